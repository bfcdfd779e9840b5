package io.raftkit.sim;

import io.raftkit.core.RaftConfig;
import io.raftkit.core.RaftNode;
import io.raftkit.core.ReadState;
import io.raftkit.core.SnapshotInfo;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.memory.InMemorySnapshotStore;
import io.raftkit.server.ReadyPipeline;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** One simulated node: the pure core, its in-memory disk, its state machine, and host bookkeeping. */
final class SimNode {

    /** A command another node forwarded, proposed by this node as leader, waiting for apply. */
    record PendingForward(long term, io.raftkit.server.ForwardServer.Forwarded command) {
    }

    /** A proposal this node accepted as leader, waiting for apply. */
    record PendingProposal(long term, SimClient.Op op) {
    }

    final String id;
    final RaftConfig config;
    int incarnation;
    boolean up = true;
    boolean paused;
    double tickFactor = 1.0;
    /** A scenario stages the fastest election: the next election timeout this node draws is the minimum. */
    boolean minimumElectionTimeout;
    InMemoryLogStorage storage;
    /** Committed snapshots survive a crash (a partial one, held by the pipeline, does not). */
    final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
    /** Index of the newest snapshot this node took or installed. */
    long snapshotIndex;
    /** False once the state machine said it cannot capture snapshots. */
    boolean snapshotsSupported = true;
    RaftNode raft;
    StateMachine stateMachine;
    /** The runtime's host code for this incarnation (see Simulation#boot). */
    ReadyPipeline host;
    /** The runtime's forwarding code for this incarnation: its requests the leader serves, and other nodes'. */
    io.raftkit.server.RequestRouter<SimClient.Op> router;
    io.raftkit.server.ForwardServer forwardServer;
    final Map<Long, PendingForward> forwarded = new HashMap<>();
    /** The role of the last soft state, to see leadership lost. */
    io.raftkit.core.Role lastRole = io.raftkit.core.Role.FOLLOWER;
    /** The runtime's sick-leader check for this incarnation. */
    io.raftkit.server.StalledWriteGuard stallGuard;
    /** Syncs of this node's disk do not complete before this time (a stalled disk). */
    long stalledUntil;
    /** Time the last scheduled sync completes: syncs complete in order. */
    long lastSyncAt;
    /** Time the last scheduled completion callback runs: callbacks run in order. */
    long lastCallbackAt;
    /** For each write whose callback has not run: whether it has persisted messages to other nodes. */
    final ArrayDeque<Boolean> writeSendsToOthers = new ArrayDeque<>();
    /** Events that arrived while paused, replayed in order on resume. */
    final List<Runnable> pausedInbox = new ArrayList<>();
    final Map<Long, PendingProposal> proposals = new HashMap<>();
    final Map<Long, SimClient.Op> reads = new HashMap<>();
    final List<ReadState> waitingReads = new ArrayList<>();
    /** Index of the last entry handed to the state machine (or skipped as a no-op) in this incarnation. */
    long lastApplied;
    long lastCommit;
    /** For the leader append-only check: last index written while leader of {@link #leaderTerm}. */
    long leaderTerm = -1;
    long leaderLastWritten;

    /** Every node of the simulated cluster (spares included): the ones the network vouches for. */
    private final java.util.Set<String> clusterNodes;

    SimNode(String id, RaftConfig config, java.util.Collection<String> clusterNodes) {
        this.id = id;
        this.config = config;
        this.clusterNodes = java.util.Set.copyOf(clusterNodes);
    }

    /** Starts a (new) incarnation on the current storage and state machine. */
    void boot(SplittableRandom random) {
        incarnation++;
        up = true;
        paused = false;
        pausedInbox.clear();
        proposals.clear();
        forwarded.clear();
        lastRole = io.raftkit.core.Role.FOLLOWER;
        lastTerm = -1;
        reads.clear();
        waitingReads.clear();
        lastSyncAt = 0;
        lastCallbackAt = 0;
        writeSendsToOthers.clear();
        long applied = startFromSnapshot();
        raft = new RaftNode(config, storage, applied,
                new ElectionTimeoutRandom(random.nextLong(), () -> minimumElectionTimeout));
        // the simulated network carries messages between the cluster's nodes only, as an
        // authenticating transport would: it vouches for each of them
        raft.vouchFor(clusterNodes);
        snapshots.latest().ifPresent(s -> raft.snapshotAvailable(new SnapshotInfo(s.meta(), s.sizeBytes(), s.crc32c())));
        lastApplied = applied;
        lastCommit = raft.commitIndex();
        leaderTerm = -1;
        leaderLastWritten = 0;
    }

    /**
     * What the runtime does at start: a log that does not reach the newest snapshot or disagrees
     * with it (a crash between the store's commit and the log's compaction) is compacted to it, and
     * a state machine behind it is restored from it.
     *
     * @return the index the state machine has applied
     */
    private long startFromSnapshot() {
        long applied = stateMachine.lastAppliedIndex();
        StoredSnapshot latest = snapshots.latest().orElse(null);
        if (latest == null) {
            return applied;
        }
        SnapshotMeta meta = latest.meta();
        snapshotIndex = Math.max(snapshotIndex, meta.index());
        boolean reaches = meta.index() <= storage.lastIndex() && meta.index() >= storage.firstIndex() - 1;
        if (!reaches || storage.termAt(meta.index()) != meta.term()) {
            storage.compact(meta);
            storage.sync();
        }
        if (applied < meta.index()) {
            try (InputStream in = latest.open()) {
                stateMachine.restoreSnapshot(in, meta.index());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            applied = meta.index();
            restoredAtBoot = meta.index();
        }
        return applied;
    }

    /** The term of the last soft state handed to the host. */
    long lastTerm;
    /** Removed from the cluster and stopped for good: no fault restarts it. */
    boolean retired;

    /** The index a snapshot restored the state machine to at the last boot, or 0. */
    long restoredAtBoot;
}
