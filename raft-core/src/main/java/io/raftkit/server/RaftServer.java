package io.raftkit.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.raftkit.core.RaftNode;
import io.raftkit.core.Role;
import io.raftkit.core.SnapshotInfo;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.StateMachineException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Entry;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.memory.InMemorySnapshotStore;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StoredSnapshot;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Raft node running for real: the pure core on its own thread, a {@link Transport}, a
 * {@link LogStorage} and the user's {@link StateMachine}.
 *
 * <pre>{@code
 * RaftServer server = RaftServer.builder()
 *         .nodeId("n1")
 *         .clusterName("counter")
 *         .member("n1", new InetSocketAddress("127.0.0.1", 7001))
 *         .member("n2", new InetSocketAddress("127.0.0.1", 7002))
 *         .member("n3", new InetSocketAddress("127.0.0.1", 7003))
 *         .transport(transport)
 *         .logStorage(storage)
 *         .stateMachine(counter)
 *         .build()
 *         .start();
 * byte[] result = server.submit(command).join();
 * }</pre>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@code raft-loop-<id>} owns the core: it takes inbound messages, proposals and reads from
 *       lock-free queues, proposes every command queued in one batch (one storage write and one
 *       append per follower per turn), sends messages, and hands writes to the storage without
 *       waiting for them. No user code runs on it.</li>
 *   <li>{@code raft-apply-<id>} applies committed commands to the state machine in log order and
 *       runs the reads' queries. Only the state machine runs on it.</li>
 *   <li>{@code raft-timer-<id>} fails requests not completed within
 *       {@link ServerConfig#requestTimeout()}, however slow the state machine is.</li>
 *   <li>{@code raft-callback-<id>} completes the futures returned by {@link #submit} and
 *       {@link #query}, one at a time, in the order the server completed them, so callbacks
 *       attached to them run there; a callback that blocks delays the other callbacks, never the
 *       node. An application can give its own executor instead
 *       ({@link Builder#callbackExecutor}); then this thread does not exist.</li>
 *   <li>{@code raft-notify-<id>} tells the {@link LeaderListener}s and the
 *       {@link FatalErrorListener}s, in order, apart from the apply backlog.</li>
 * </ul>
 *
 * <h2>The futures</h2>
 * Each call returns a future of the caller's own. Whatever the caller does with it (complete it,
 * cancel it, time it out) does not reach the server: the request stays pending (counted in
 * {@code maxPendingRequests} and {@code maxPendingBytes}) until the server completes it, which it
 * always does, by the request timeout at the latest.
 *
 * <h2>Any node serves</h2>
 * With forwarding on ({@link ServingConfig#forwarding()}, the default), {@link #submit} and
 * {@link #query} work on every node: a follower sends a command to the leader over the Raft
 * transport and completes with the leader's result, and asks the leader for a read index, then
 * answers from its own state machine once it has applied that index. {@link #status()} names the
 * leader this node believes in and its term. A leader whose own log write has been outstanding
 * longer than {@link ServingConfig#stepDownOnStalledWriteAfter()} hands leadership to its most
 * up-to-date follower.
 *
 * <h2>Outcomes of {@link #submit}</h2>
 * The future completes with the state machine's result once the command is committed and
 * applied (on this node, or on the leader it was forwarded to). It fails with:
 * <ul>
 *   <li>{@link NotLeaderException} (naming the leader and its term if known): no leader could be
 *       reached within the request timeout, or, with forwarding off, this node is not the
 *       leader; nothing was done.</li>
 *   <li>{@link OverloadedException}: too many requests, or too many bytes of them, are pending
 *       here, or too many forwarded by this node are in flight at the leader; nothing was done.</li>
 *   <li>{@link UnknownOutcomeException}: the command was proposed (or forwarded) but leadership
 *       changed, the leader stepped away from a stalled disk, the request timed out, or the server
 *       closed or stopped after a fatal error before it was applied; it may or may not be
 *       committed (and a command that timed out may still be applied later).</li>
 *   <li>{@link ServerClosedException}: the server is closed or stopped; nothing was done.</li>
 * </ul>
 *
 * <h2>Fatal errors (fail-stop)</h2>
 * A failed storage write, an exception from {@link StateMachine#apply} (wrapped in a
 * {@link StateMachineException}) or an unexpected failure of the loop or the apply thread stops
 * the node for good: it closes its transport (leaving the quorum), fails every pending request,
 * refuses new ones, and reports the cause in {@link #failure()}, {@link ServerStatus#failure()},
 * the {@code raft.fatal} gauge, the log and the {@link FatalErrorListener}s. A node never goes on
 * with a state that skipped a committed command. Close it and start a new server on the same
 * storage to recover: it applies again from {@link StateMachine#lastAppliedIndex()}. A state
 * machine must therefore reject a command it considers invalid by returning a result that says so,
 * not by throwing.
 *
 * <h2>Ownership</h2>
 * The server owns the transport, the log storage and the snapshot store handed to its builder: {@link #close()} closes
 * them. It does not close the state machine, which stays usable (and readable) after the server closes.
 *
 * <h2>Restart</h2>
 * A server restarted on the same storage continues from it; the state machine's
 * {@link StateMachine#lastAppliedIndex()} tells which entries it already has, and only later ones
 * are applied.
 *
 * <h2>Snapshots and log compaction</h2>
 * Once {@link ServerConfig#snapshotThresholdEntries()} entries (or
 * {@link ServerConfig#snapshotThresholdBytes()} of them) were applied since the last snapshot, or
 * when {@link #snapshot()} is called, the apply thread captures the state machine's view
 * ({@link StateMachine#captureSnapshot()}), the thread {@code raft-snapshot-<id>} writes it into
 * the {@link SnapshotStore} ({@link Builder#snapshotStore}), and the log is then compacted up to
 * {@link ServerConfig#compactionMarginEntries()} entries before it. A follower that needs entries
 * the leader compacted away receives the snapshot in chunks (InstallSnapshot). A durable log is
 * never compacted without a durable snapshot: without a store, an {@link InMemoryLogStorage} gets
 * an {@link InMemorySnapshotStore}, any other log keeps every entry (a warning says so). A state
 * machine without snapshot support keeps every entry too.
 *
 * <p>At start, the newest snapshot in the store comes first: if the log does not reach it or
 * disagrees with it (a crash after a received snapshot was committed to the store but before the
 * log was compacted to it), the log is compacted to it; a state machine whose
 * {@link StateMachine#lastAppliedIndex()} is below it is restored from it; then the log after it is
 * applied.
 */
public final class RaftServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RaftServer.class);

    private enum State { NEW, RUNNING, CLOSED }

    /** The cluster name used when the builder is given none. */
    public static final String DEFAULT_CLUSTER_NAME = "raftkit";

    private static final int ENTRY_CACHE_ENTRIES = 1 << 15;
    /** A snapshot chunk's fields besides its data, with the configuration, generously. */
    private static final int SNAPSHOT_CHUNK_OVERHEAD_BYTES = 4096;
    private static final long ENTRY_CACHE_BYTES = 32L << 20;

    private final String id;
    private final String clusterName;
    /** Set by the builder's join: the id of the cluster this node joins; else null. */
    private final String joinClusterId;
    /** The stored configuration's cluster id, or the join's, or the one derived from the founding list (set by start). */
    private volatile String clusterId;
    private final Map<String, InetSocketAddress> members;
    private final Transport transport;
    private final LogStorage storage;
    private final SnapshotStore snapshotStore;
    private final StateMachine stateMachine;
    private final ServerConfig config;
    private final ServingConfig serving;
    private final MeterRegistry registry;
    private final List<LeaderListener> listeners = new CopyOnWriteArrayList<>();
    private final List<FatalErrorListener> fatalListeners = new CopyOnWriteArrayList<>();
    private final Executor userCallbackExecutor;
    private final PendingBudget budget;
    /** Runs leader and fatal-error listeners, off the loop and apply threads. */
    private final TaskThread notifier;
    /** Completes the callers' futures when no callback executor was given. */
    private final TaskThread callbackThread;
    /** Where the callers' futures are completed: the user's executor, else {@link #callbackThread}. */
    private final Executor callbacks;
    private final AtomicBoolean transportClosed = new AtomicBoolean();

    private volatile State state = State.NEW;
    private volatile Throwable failure;
    private boolean closeCalled; // guarded by this
    private ServerMetrics metrics;
    private RaftLoop loop;
    private Applier applier;
    private RequestTimer timer;
    private Snapshotter snapshotter;

    // published by the loop (role, term, leader, commit, last) and the apply thread (applied)
    volatile Role role = Role.FOLLOWER;
    volatile long term;
    volatile String leader;
    volatile long commitIndex;
    volatile long lastIndex;
    volatile long appliedIndex;
    volatile long snapshotIndex;
    volatile long firstIndex = 1;
    volatile Map<String, ServerStatus.InstallProgress> installs = Map.of();
    /** The configuration in force, as the loop last published it. */
    volatile ClusterConfig configuration = ClusterConfig.EMPTY;
    /** Committed-entry bytes the loop handed to the apply thread and not applied yet (written by the loop). */
    final UnappliedBytes unapplied = new UnappliedBytes();

    private RaftServer(Builder b) {
        this.id = b.nodeId;
        this.members = Collections.unmodifiableMap(new LinkedHashMap<>(b.members));
        this.clusterName = b.clusterName;
        this.joinClusterId = b.joinClusterId;
        this.clusterId = b.joinClusterId != null ? b.joinClusterId : ClusterId.derive(b.clusterName, members.keySet());
        this.transport = b.transport;
        this.storage = b.storage;
        this.snapshotStore = b.snapshotStore != null ? b.snapshotStore
                : b.storage instanceof InMemoryLogStorage ? new InMemorySnapshotStore() : null;
        this.stateMachine = b.stateMachine;
        this.config = b.config;
        this.serving = b.serving;
        this.registry = b.registry;
        this.listeners.addAll(b.listeners);
        this.fatalListeners.addAll(b.fatalListeners);
        this.userCallbackExecutor = b.callbackExecutor;
        this.budget = new PendingBudget(config.maxPendingRequests(), config.maxPendingBytes());
        this.notifier = new TaskThread("raft-notify-" + id);
        this.callbackThread = userCallbackExecutor == null ? new TaskThread("raft-callback-" + id) : null;
        this.callbacks = userCallbackExecutor == null ? callbackThread : this::executeCallback;
    }

    /** Hands a completion to the user's executor; one that refuses it gets it run on the notifier thread. */
    private void executeCallback(Runnable task) {
        try {
            userCallbackExecutor.execute(task);
        } catch (RejectedExecutionException e) {
            log.warn("{}: the callback executor refused a completion; it runs on {} instead", id,
                    notifier.thread().getName(), e);
            notifier.execute(task);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This node's id. */
    public String nodeId() {
        return id;
    }

    /**
     * The members the builder was given (the founding members, or the current ones, or for a
     * joining node those it contacts): id to Raft address. The members in force are in
     * {@link #clusterConfig()}.
     */
    public Map<String, InetSocketAddress> members() {
        return members;
    }

    /**
     * The cluster's identity, which the transport presents to its peers: the one stored with the
     * configuration once there is one (it survives membership changes and restarts), else the one
     * a joining node was given ({@link Builder#join}), else derived from the cluster name and the
     * founding member ids ({@link ClusterId#derive}).
     */
    public String clusterId() {
        return clusterId;
    }

    /**
     * The configuration in force on this node (voters, learners, their addresses), as of the
     * loop's last turn; {@link ClusterConfig#EMPTY} before start and on a joining node that has
     * not heard from the leader yet.
     */
    public ClusterConfig clusterConfig() {
        return configuration;
    }

    /** Called by the loop when the configuration in force changes. */
    void publishConfig(ClusterConfig config) {
        configuration = config;
        if (!config.clusterId().isEmpty()) {
            clusterId = config.clusterId(); // a joining node learns it from the log or snapshot
        }
    }

    public ServerConfig config() {
        return config;
    }

    /** How this server serves requests from any node (forwarding, leases, stepping away when sick). */
    public ServingConfig serving() {
        return serving;
    }

    /**
     * Starts the server: bootstraps an empty log with the members as the initial configuration,
     * restores the core from storage, starts the threads and the transport (handing it this
     * node's id, the cluster id and the members).
     *
     * @return this server
     * @throws IllegalStateException if already started or closed, if the storage is inconsistent, if
     *                               the storage holds a configuration whose members differ from the
     *                               builder's (in any order), or if {@link ServerConfig#maxAppendBytes()}
     *                               is too large for the transport's {@link Transport#maxMessageBytes()}
     */
    public synchronized RaftServer start() {
        if (state != State.NEW) {
            throw new IllegalStateException("server " + id + " was already started");
        }
        checkAppendsFitTransport();
        io.raftkit.spi.ConfigEntry stored = storage.latestConfig();
        MemberListCheck.verify(id, storage, members.keySet(), clusterName, joinClusterId);
        if (!stored.config().clusterId().isEmpty()) {
            clusterId = stored.config().clusterId(); // the stored configuration is the truth
        } else if (stored.equals(io.raftkit.spi.ConfigEntry.NONE) && joinClusterId == null) {
            // founding: the first configuration carries the cluster id, so it survives every change
            RaftNode.bootstrap(storage, new ClusterConfig(members.keySet(), java.util.Set.of(), java.util.Set.of(),
                    Map.of(), clusterId));
        }
        // a joining node starts with an empty log and no configuration: it learns both from the leader
        StoredSnapshot latestSnapshot = snapshotStore == null ? null : snapshotStore.latest().orElse(null);
        long alreadyApplied = startFromSnapshot(latestSnapshot);
        // recent entries stay in memory: the leader applies what it just wrote without a disk read
        LogStorage cached = new CachingLogStorage(storage, ENTRY_CACHE_ENTRIES, ENTRY_CACHE_BYTES);
        RaftNode node = new RaftNode(coreConfig(), cached, alreadyApplied,
                new Random(id.hashCode() * 31L + System.nanoTime()));
        if (config.checkQuorum()) {
            // a lease relies on followers ignoring votes while they hear from the leader (CheckQuorum)
            node.enableLeaseReads(serving.leaseTicks(config.electionTicks(), config.tick()));
        }
        List<String> followers = new ArrayList<>(members.keySet());
        followers.remove(id);
        this.metrics = new ServerMetrics(registry, id, this, followers);
        node.droppedMessages().listen(metrics::messageInvalid);
        publishConfig(node.clusterConfig()); // the stored configuration, before anyone asks
        this.term = node.term();
        this.commitIndex = node.commitIndex();
        this.lastIndex = node.lastIndex();
        this.appliedIndex = Math.max(alreadyApplied, storage.firstIndex() - 1);
        this.firstIndex = node.firstIndex();
        this.applier = new Applier(this, stateMachine, metrics, appliedIndex);
        this.loop = new RaftLoop(this, node, cached, transport, applier, metrics, config, snapshotStore);
        if (snapshotStore != null) {
            SnapshotMeta latest = latestSnapshot == null ? SnapshotMeta.EMPTY : latestSnapshot.meta();
            if (latestSnapshot != null) {
                node.snapshotAvailable(new SnapshotInfo(latest, latestSnapshot.sizeBytes(), latestSnapshot.crc32c()));
                snapshotIndex = latest.index();
            }
            this.snapshotter = new Snapshotter(id, snapshotStore, metrics, loop::snapshotTaken, callbacks, config);
            applier.snapshots(snapshotter, snapshotStore, node.snapshotMetaAt(appliedIndex), latest);
        } else {
            log.warn("{}: no snapshot store: snapshots and log compaction are off, the log keeps every entry"
                    + " (give the builder a snapshotStore)", id);
        }
        this.timer = new RequestTimer("raft-timer-" + id, config.requestTimeout().toNanos());
        state = State.RUNNING;
        notifier.start();
        if (callbackThread != null) {
            callbackThread.start();
        }
        timer.start();
        applier.start(id);
        loop.start();
        try {
            transport.start(new TransportContext(id, clusterId, transportMembers(stored.config())), loop::onMessage);
        } catch (RuntimeException e) {
            close(); // e.g. the port is taken: leave no threads behind
            throw e;
        }
        log.info("{} started in cluster {}: members {}, last index {}, commit {}, state machine at {}", id, clusterId,
                members.keySet(), lastIndex, commitIndex, alreadyApplied);
        return this;
    }

    /** The builder's members and those of the stored configuration whose address it records. */
    private Map<String, InetSocketAddress> transportMembers(ClusterConfig stored) {
        Map<String, InetSocketAddress> all = new LinkedHashMap<>(members);
        MemberAddresses.of(stored, members).forEach(all::putIfAbsent);
        return all;
    }

    /**
     * The core's settings; a snapshot chunk is made smaller than {@link ServerConfig#snapshotChunkBytes()}
     * if the transport could not carry it (a chunk it drops would be resent for ever).
     */
    private io.raftkit.core.RaftConfig coreConfig() {
        io.raftkit.core.RaftConfig core = config.toRaftConfig(id);
        long fits = transport.maxMessageBytes() - SNAPSHOT_CHUNK_OVERHEAD_BYTES;
        if (core.snapshotChunkBytes() > fits) {
            int chunk = (int) Math.max(1, fits);
            log.info("{}: snapshot chunks of {} bytes, not {}: the transport carries messages of at most {} bytes", id,
                    chunk, core.snapshotChunkBytes(), transport.maxMessageBytes());
            core = core.withSnapshotTransfer(chunk, core.snapshotChunksInFlight(), core.snapshotBytesPerTick());
        }
        return core;
    }

    /**
     * Brings the log and the state machine to the store's newest snapshot, before the core starts.
     *
     * @return the index the state machine has applied
     */
    private long startFromSnapshot(StoredSnapshot latest) {
        long applied = stateMachine.lastAppliedIndex();
        if (latest != null) {
            SnapshotMeta meta = latest.meta();
            boolean logReaches = meta.index() <= storage.lastIndex() && meta.index() >= storage.firstIndex() - 1;
            if (!logReaches || storage.termAt(meta.index()) != meta.term()) {
                // a crash between the store's commit and the log's compaction: finish the switch
                log.info("{}: the log (first {}, last {}) does not hold the snapshot at index {} (term {}): compacting"
                        + " it to the snapshot", id, storage.firstIndex(), storage.lastIndex(), meta.index(),
                        meta.term());
                storage.compact(meta).join();
            }
            if (applied < meta.index()) {
                try (InputStream in = latest.open()) {
                    stateMachine.restoreSnapshot(in, meta.index());
                    in.transferTo(java.io.OutputStream.nullOutputStream()); // verifies the checksum to the end
                } catch (IOException e) {
                    throw new UncheckedIOException("server " + id + ": restoring the state machine from the snapshot"
                            + " at index " + meta.index() + " failed", e);
                }
                log.info("{} restored its state machine from the snapshot at index {}", id, meta.index());
                applied = meta.index();
            }
        }
        if (applied < storage.firstIndex() - 1) {
            throw new IllegalStateException("server " + id + ": the log starts at index " + storage.firstIndex()
                    + " but the state machine has applied only up to " + applied + " and no snapshot in the store"
                    + " covers the entries between: the snapshot store lost its snapshot (" + snapshotStore + ")");
        }
        return applied;
    }

    /** The loop: whether a snapshot is being sent to a follower (automatic snapshots wait for it). */
    void snapshotSending(boolean on) {
        Snapshotter s = snapshotter;
        if (s != null) {
            s.sending(on);
        }
    }

    /**
     * Takes a snapshot now (the thresholds in {@link ServerConfig} take them on their own). At most
     * one is in progress: while one is, this returns that one.
     *
     * @return a future completed with the snapshot's metadata once it is durable in the store (the
     *         log is compacted right after); it fails if the state machine does not support
     *         snapshots ({@link UnsupportedOperationException}), if there is no snapshot store
     *         ({@link IllegalStateException}), or if taking it failed
     */
    public CompletableFuture<SnapshotMeta> snapshot() {
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (snapshotter == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("server " + id
                    + " has no snapshot store: give the builder a snapshotStore"));
        }
        CompletableFuture<SnapshotMeta> f = snapshotter.request();
        applier.snapshotRequested();
        return f;
    }

    /** The snapshot store, or null if this server keeps none. */
    public SnapshotStore snapshotStore() {
        return snapshotStore;
    }

    /**
     * The largest append the core builds holds one command of {@code maxAppendBytes} (a batch
     * stops below that total, but always takes at least one entry); if the transport cannot carry
     * it, the entry would be dropped on every retry and nothing behind it would ever commit.
     */
    private void checkAppendsFitTransport() {
        long largestAppend = config.maxAppendBytes() + Entry.OVERHEAD_BYTES;
        long carried = transport.maxMessageBytes();
        if (largestAppend > carried) {
            throw new IllegalStateException("server " + id + ": maxAppendBytes (" + config.maxAppendBytes()
                    + ") is too large for the transport, which carries appends of at most " + carried
                    + " bytes (maxMessageBytes, " + Entry.OVERHEAD_BYTES + " of them per entry's header): lower"
                    + " maxAppendBytes to at most " + (carried - Entry.OVERHEAD_BYTES)
                    + " or raise the transport's frame limit (NettyTransportConfig.maxFrameBytes)");
        }
    }

    /**
     * Proposes a command. Never blocks.
     *
     * @param command the command, handed to {@link StateMachine#apply} on every node; not copied,
     *                so do not change it afterwards; at most {@link ServerConfig#maxAppendBytes()} bytes
     * @return a future of the caller's own, completed on the callback executor with the state
     *         machine's result on this node; see the class comment for the failures. A command
     *         larger than {@code maxAppendBytes} fails at once with an
     *         {@link IllegalArgumentException} and is not proposed
     */
    public CompletableFuture<byte[]> submit(byte[] command) {
        Objects.requireNonNull(command, "command");
        if (command.length > config.maxAppendBytes()) {
            // an entry must fit in one append message (and so in one transport frame): a bigger
            // one could never be replicated, and every command after it would wait behind it
            return CompletableFuture.failedFuture(new IllegalArgumentException("command of " + command.length
                    + " bytes exceeds maxAppendBytes (" + config.maxAppendBytes() + "): it could never be"
                    + " replicated; raise maxAppendBytes (and the transport's frame limit) or split the command"));
        }
        if (state != State.RUNNING) {
            if (metrics != null) {
                metrics.proposalRejectedClosed();
            }
            return CompletableFuture.failedFuture(closedException());
        }
        if (role != Role.LEADER && !serving.forwarding()) {
            metrics.proposalRejectedNotLeader(1);
            return CompletableFuture.failedFuture(new NotLeaderException(leader, term, null));
        }
        String refused = budget.tryAcquire(command.length);
        if (refused != null) {
            metrics.proposalRejectedOverloaded();
            return CompletableFuture.failedFuture(new OverloadedException("node " + id + " has " + refused
                    + "; retry later"));
        }
        Proposal p = new Proposal(command, System.nanoTime(), budget, callbacks);
        timer.track(p);
        loop.propose(p);
        if (state != State.RUNNING) {
            // Lost the race with close() or a fatal error: the loop may never see the command, or may
            // have proposed (even committed) it already, so its fate is unknown, not "nothing done".
            Throwable f = failure;
            p.fail(new UnknownOutcomeException("server " + id + " stopped while the command was being submitted;"
                    + " it may or may not have been proposed", f != null ? f : closedException()));
        }
        return p.future();
    }

    /**
     * A linearizable read (ReadIndex, thesis §6.4): the leader confirms with a quorum that it
     * still leads, waits until its state machine has applied everything committed when the read
     * arrived, then runs {@link StateMachine#query} on the apply thread.
     *
     * @return a future of the caller's own, completed on the callback executor with the query's
     *         result; fails with {@link NotLeaderException} on a follower (or if
     *         leadership is lost before the read is confirmed), {@link OverloadedException},
     *         {@link java.util.concurrent.TimeoutException} after the request timeout, or
     *         {@link ServerClosedException}
     */
    public CompletableFuture<byte[]> query(byte[] query) {
        return query(query, ReadConsistency.LINEARIZABLE);
    }

    /**
     * A read with the given consistency (see {@link ReadConsistency}): LINEARIZABLE as
     * {@link #query(byte[])}; LEASE without a quorum round while the leader's lease holds; LOCAL
     * from this node's applied state at once. On a follower with forwarding on
     * ({@link ServingConfig#forwarding()}), LINEARIZABLE and LEASE reads ask the leader for the
     * read index and are answered from this node's state machine once it has applied that index;
     * with forwarding off they fail with {@link NotLeaderException}.
     *
     * @return a future of the caller's own, completed on the callback executor with the query's
     *         result; fails with {@link NotLeaderException} (forwarding off, not the leader),
     *         {@link OverloadedException} (here, or at the leader), {@link java.util.concurrent.TimeoutException}
     *         after the request timeout, or {@link ServerClosedException}
     */
    public CompletableFuture<byte[]> query(byte[] query, ReadConsistency consistency) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(consistency, "consistency");
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(closedException());
        }
        if (role != Role.LEADER && !serving.forwarding() && consistency != ReadConsistency.LOCAL) {
            return CompletableFuture.failedFuture(new NotLeaderException(leader, term, null));
        }
        String refused = budget.tryAcquire(query.length);
        if (refused != null) {
            return CompletableFuture.failedFuture(new OverloadedException("node " + id + " has " + refused
                    + "; retry later"));
        }
        ReadRequest r = new ReadRequest(query, System.nanoTime(), budget, callbacks);
        r.consistency = consistency;
        timer.track(r);
        loop.read(r);
        if (state != State.RUNNING) {
            r.fail(closedException());
        }
        return r.future();
    }

    // --- membership and leadership (issue 13) ---------------------------------------------------

    /**
     * Adds a learner: a member that receives the log and snapshots but does not vote (so it
     * changes no quorum) until {@link #promote promoted}. Start the new node first, with
     * {@link Builder#join}. Runs on the leader only.
     *
     * @param address where the new node's Raft transport listens; every member learns it from the
     *                configuration
     * @return a future completed, on the callback executor, with the configuration in force once the
     *         change has committed; it fails with {@link NotLeaderException} (naming the leader; the
     *         request is not forwarded), {@link IllegalArgumentException} (already a member) or
     *         {@link IllegalStateException} (another change in flight, or this leader has not
     *         committed an entry of its term yet) with the reason, nothing done; or
     *         {@link UnknownOutcomeException} if leadership was lost or the request timed out before
     *         the change committed (it may still take effect)
     */
    public CompletableFuture<ClusterConfig> addLearner(String id, InetSocketAddress address) {
        return addLearner(id, address, null);
    }

    /**
     * {@link #addLearner(String, InetSocketAddress)} with an annotation of the application's own,
     * stored after the address in the configuration ({@code host:port/annotation}) for every node
     * to read in {@link #clusterConfig()}; the runtime never reads it (the ledger keeps the new
     * node's HTTP address there). It must not contain a {@code /}-free Raft address of its own
     * meaning: it is opaque text.
     */
    public CompletableFuture<ClusterConfig> addLearner(String id, InetSocketAddress address, String annotation) {
        requireId(id);
        Objects.requireNonNull(address, "address");
        String value = MemberAddresses.format(address, annotation);
        return change("add learner " + id, (m, current) -> {
            if (current.members().contains(id)) {
                throw new IllegalArgumentException(id + " is already a member (" + (current.isLearner(id)
                        ? "a learner" : "a voter") + ")");
            }
            java.util.Set<String> learners = new java.util.TreeSet<>(current.learners());
            learners.add(id);
            Map<String, String> addresses = new java.util.TreeMap<>(current.addresses());
            addresses.put(id, value);
            return new io.raftkit.core.ConfigChange(current.voters(), learners, addresses);
        });
    }

    /**
     * Makes a learner a voter, through joint consensus; refused (with {@link IllegalStateException})
     * while the learner lags the leader's last index by more than
     * {@link ServerConfig#maxPromotionLag()} entries. Completes once C_new has committed; failures
     * as {@link #addLearner}.
     */
    public CompletableFuture<ClusterConfig> promote(String id) {
        requireId(id);
        return change("promote " + id, (m, current) -> m.promotion(current, id));
    }

    /**
     * Adds a voter the safe way: as a learner first, waits (within the request timeout) until it has
     * caught up to {@link ServerConfig#maxPromotionLag()} entries, then promotes it. If it is
     * already a learner, starts at the wait. If it does not catch up in time it stays a learner and
     * the future fails with {@link IllegalStateException}; promote it later. Other failures as
     * {@link #addLearner}.
     */
    public CompletableFuture<ClusterConfig> addVoter(String id, InetSocketAddress address) {
        return addVoter(id, address, null);
    }

    /** {@link #addVoter(String, InetSocketAddress)} with an annotation as in {@link #addLearner(String, InetSocketAddress, String)}. */
    public CompletableFuture<ClusterConfig> addVoter(String id, InetSocketAddress address, String annotation) {
        requireId(id);
        Objects.requireNonNull(address, "address");
        CompletableFuture<ClusterConfig> added = configuration.isLearner(id)
                ? CompletableFuture.completedFuture(configuration) : addLearner(id, address, annotation);
        return added.thenCompose(c -> caughtUp(id)).thenCompose(c -> promote(id));
    }

    /**
     * Removes a member, voter or learner (a voter through joint consensus). A leader that removes
     * itself leads until C_new has committed, then steps down. Completes once the change has
     * committed; failures as {@link #addLearner}.
     */
    public CompletableFuture<ClusterConfig> removeMember(String id) {
        requireId(id);
        return change("remove " + id, (m, current) -> {
            if (!current.members().contains(id)) {
                throw new IllegalArgumentException(id + " is not a member (members " + current.members() + ")");
            }
            java.util.Set<String> voters = new java.util.TreeSet<>(current.voters());
            voters.remove(id);
            java.util.Set<String> learners = new java.util.TreeSet<>(current.learners());
            learners.remove(id);
            Map<String, String> addresses = new java.util.TreeMap<>(current.addresses());
            addresses.remove(id);
            return new io.raftkit.core.ConfigChange(voters, learners, addresses);
        });
    }

    /**
     * Makes {@code voters} the voter set, in one joint-consensus change: every id must already be
     * a member (a learner becomes a voter; add new nodes as learners first); voters left out are
     * removed; learners not named stay learners. Completes once C_new has committed; failures as
     * {@link #addLearner}.
     */
    public CompletableFuture<ClusterConfig> changeMembership(java.util.Set<String> voters) {
        Objects.requireNonNull(voters, "voters");
        java.util.Set<String> target = java.util.Set.copyOf(voters);
        return change("change voters to " + new java.util.TreeSet<>(target), (m, current) -> {
            for (String v : target) {
                if (!current.members().contains(v)) {
                    throw new IllegalArgumentException(v + " is not a member yet: add it as a learner first");
                }
            }
            java.util.Set<String> learners = new java.util.TreeSet<>(current.learners());
            learners.removeAll(target);
            Map<String, String> addresses = new java.util.TreeMap<>(current.addresses());
            addresses.keySet().retainAll(union(target, learners));
            return new io.raftkit.core.ConfigChange(target, learners, addresses);
        });
    }

    /**
     * Moves leadership to the voter {@code to}: the leader stops accepting proposals, brings
     * {@code to} up to date and tells it to campaign at once (TimeoutNow). Completes, on the callback
     * executor, once this node sees {@code to} as the leader. Fails with {@link NotLeaderException}
     * on a follower (not forwarded), {@link IllegalArgumentException} if {@code to} is not a voter,
     * or {@link IllegalStateException} if the transfer was abandoned (not done within an election
     * timeout; proposals resume) or another node won the election.
     */
    public CompletableFuture<Void> transferLeadership(String to) {
        requireId(to);
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(closedException());
        }
        AdminRequest<Void> r = new AdminRequest<>(callbacks, System.nanoTime() + config.requestTimeout().toNanos());
        loop.admin(r, m -> m.transfer(r, to));
        if (state != State.RUNNING) {
            r.fail(closedException());
        }
        return r.future();
    }

    private CompletableFuture<ClusterConfig> change(String what,
            java.util.function.BiFunction<MembershipRequests, ClusterConfig, io.raftkit.core.ConfigChange> target) {
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(closedException());
        }
        AdminRequest<ClusterConfig> r = new AdminRequest<>(callbacks,
                System.nanoTime() + config.requestTimeout().toNanos());
        loop.admin(r, m -> m.propose(r, what, current -> target.apply(m, current)));
        if (state != State.RUNNING) {
            r.fail(new UnknownOutcomeException("server " + id + " stopped while the membership change was being"
                    + " submitted; it may or may not have been proposed", closedException()));
        }
        return r.future();
    }

    private CompletableFuture<ClusterConfig> caughtUp(String learner) {
        if (state != State.RUNNING) {
            return CompletableFuture.failedFuture(closedException());
        }
        AdminRequest<ClusterConfig> r = new AdminRequest<>(callbacks,
                System.nanoTime() + config.requestTimeout().toNanos());
        loop.admin(r, m -> m.awaitCaughtUp(r, learner));
        if (state != State.RUNNING) {
            r.fail(closedException());
        }
        return r.future();
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("member id must not be blank");
        }
    }

    /** Commands and reads accepted and not completed yet. */
    int pendingRequests() {
        return budget.count();
    }

    /** Bytes of the commands and queries accepted and not completed yet. */
    long pendingBytes() {
        return budget.bytes();
    }

    /** Role, term, leader, commit and applied index as of now, and why a fatal error stopped the server, if one did. */
    public ServerStatus status() {
        Throwable f = failure;
        ClusterConfig c = configuration;
        return new ServerStatus(id, role, term, leader, commitIndex, appliedIndex, lastIndex, state == State.RUNNING,
                f == null ? null : describe(f), snapshotIndex, firstIndex, installs, c.voters(), c.learners(),
                c.isJoint(), clusterId);
    }

    private static String describe(Throwable t) {
        Throwable cause = t.getCause();
        return cause == null || cause == t ? t.toString() : t + " (caused by " + cause + ")";
    }

    /** Adds a listener told of every change of the known leader (see {@link LeaderListener}). */
    public void addLeaderListener(LeaderListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeLeaderListener(LeaderListener listener) {
        listeners.remove(listener);
    }

    /**
     * Adds a listener told when a fatal error stops this server (see {@link FatalErrorListener});
     * if one already did, the listener is told at once (on the notifier thread).
     */
    public void addFatalErrorListener(FatalErrorListener listener) {
        fatalListeners.add(Objects.requireNonNull(listener, "listener"));
        Throwable f = failure;
        if (f != null) {
            notifier.execute(() -> tellFatal(listener, f));
        }
    }

    public void removeFatalErrorListener(FatalErrorListener listener) {
        fatalListeners.remove(listener);
    }

    /**
     * Stops the server: refuses new requests, stops the loop, lets the apply thread finish what was
     * already committed, fails what is left (proposed commands with {@link UnknownOutcomeException},
     * the rest with {@link ServerClosedException}), then closes the transport and the log storage.
     * Waits for the threads to end. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closeCalled) {
                return;
            }
            closeCalled = true;
            state = State.CLOSED; // also after a fatal error, which already refused new requests
            if (loop == null) {
                closeTransport();
                closeQuietly(storage);
                if (snapshotStore != null) {
                    closeQuietly(snapshotStore);
                }
                return;
            }
        }
        loop.stop();
        join(loop.thread());
        closeTransport();
        applier.stop();
        join(applier.thread());
        timer.stop();
        join(timer.thread());
        if (snapshotter != null) {
            snapshotter.close();
        }
        closeQuietly(storage);
        if (snapshotStore != null) {
            closeQuietly(snapshotStore);
        }
        metrics.close();
        // last: they complete what the threads above failed; a callback blocked for ever delays this
        stopAndJoin(callbackThread);
        stopAndJoin(notifier);
        log.info("{} closed", id);
    }

    private void stopAndJoin(TaskThread t) {
        if (t != null) {
            t.stop();
            join(t.thread());
        }
    }

    /** Closes the transport once, whether close() or a fatal error comes first. */
    private void closeTransport() {
        if (transportClosed.compareAndSet(false, true)) {
            closeQuietly(transport);
        }
    }

    private void join(Thread t) {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(TimeUnit.SECONDS.toMillis(10));
            if (t.isAlive()) {
                log.warn("{}: thread {} did not stop within 10 s; interrupting it", id, t.getName());
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("{}: error while closing {}", id, c, e);
        }
    }

    private RuntimeException closedException() {
        Throwable f = failure;
        return f == null ? new ServerClosedException("server " + id + " is closed")
                : new ServerClosedException("server " + id + " stopped after a fatal error: " + f, f);
    }

    /** Called by the apply thread after each batch (and after failing what it held at the end). */
    void applyBatchDone() {
        loop.applyBatchDone();
    }

    /** Called by the apply thread after it applied entries: the loop may hand out more (back-pressure). */
    void onApplied() {
        loop.onApplied(); // assigned before the apply thread starts
    }

    /**
     * A fatal error (a failed storage write, an exception from {@code apply}, a failure of the loop
     * or the apply thread): stop serving for good (fail-stop). The node refuses requests, stops its
     * loop and apply thread (which fail every pending request), closes its transport so that it
     * leaves the quorum and takes no more messages, and tells the fatal-error listeners. The rest
     * is released by {@link #close()}. Only the first failure counts.
     */
    void fatal(Throwable t) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = t;
            if (state == State.RUNNING) {
                state = State.CLOSED;
            }
        }
        log.error("{}: fatal error: the node stops serving and leaves the cluster; close it and start it again"
                + " to recover", id, t);
        if (loop != null) {
            loop.stop();
        }
        if (applier != null) {
            applier.stop();
        }
        closeTransport();
        for (FatalErrorListener l : fatalListeners) {
            notifier.execute(() -> tellFatal(l, t));
        }
    }

    private void tellFatal(FatalErrorListener l, Throwable t) {
        try {
            l.onFatalError(id, t);
        } catch (RuntimeException e) {
            log.warn("{}: a fatal-error listener threw", id, e);
        }
    }

    /** The failure that stopped the server, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Called by the loop: the listeners are told on the notifier thread, in order. */
    void leaderChanged(LeaderChange change) {
        notifier.execute(() -> notifyLeaderListeners(change));
    }

    private void notifyLeaderListeners(LeaderChange change) {
        for (LeaderListener l : listeners) {
            try {
                l.leaderChanged(change.leaderId(), change.term(), change.isSelf());
            } catch (RuntimeException e) {
                log.warn("{}: a leader listener threw", id, e);
            }
        }
    }

    @Override
    public String toString() {
        return "RaftServer[" + status() + "]";
    }

    /** Builds a {@link RaftServer}. Node id, members, transport, log storage and state machine are required. */
    public static final class Builder {
        private String nodeId;
        private String clusterName = DEFAULT_CLUSTER_NAME;
        private String joinClusterId;
        private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        private Transport transport;
        private LogStorage storage;
        private StateMachine stateMachine;
        private SnapshotStore snapshotStore;
        private ServerConfig config = ServerConfig.defaults();
        private ServingConfig serving = ServingConfig.defaults();
        private MeterRegistry registry;
        private final List<LeaderListener> listeners = new ArrayList<>();
        private final List<FatalErrorListener> fatalListeners = new ArrayList<>();
        private Executor callbackExecutor;

        private Builder() {
        }

        public Builder nodeId(String id) {
            this.nodeId = id;
            return this;
        }

        /**
         * The cluster's name (default {@value RaftServer#DEFAULT_CLUSTER_NAME}). With the founding
         * member ids it makes the cluster id ({@link ClusterId#derive}) that peers compare when
         * they connect: give every node of a cluster the same name and the same member list.
         */
        public Builder clusterName(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("clusterName must not be blank");
            }
            this.clusterName = name;
            return this;
        }

        /**
         * A founding member (this node too) and the address its transport listens on. This list is
         * the only one: the server bootstraps the log with it and hands it to the transport at start.
         */
        public Builder member(String id, InetSocketAddress address) {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("member id must not be blank");
            }
            members.put(id, Objects.requireNonNull(address, () -> "address of member " + id));
            return this;
        }

        /**
         * Starts this node as a new member of the running cluster {@code clusterId} (shown by
         * {@link RaftServer#clusterId()} and {@link ServerStatus#clusterId()} of any member) instead
         * of founding one: with an empty log it does not bootstrap and never campaigns; it waits
         * for the leader, which sends it the log (or a snapshot) once an operator has added it
         * ({@link RaftServer#addLearner}), and learns its configuration from there. The
         * {@link #member members} are the cluster's current members and this node, so the
         * transport accepts them. On a restart with a stored configuration this is ignored (the
         * stored cluster id must be the same).
         */
        public Builder join(String clusterId) {
            if (clusterId == null || clusterId.isBlank()) {
                throw new IllegalArgumentException("the cluster id to join must not be blank");
            }
            this.joinClusterId = clusterId;
            return this;
        }

        public Builder members(Map<String, InetSocketAddress> all) {
            all.forEach(this::member);
            return this;
        }

        /** The transport; the server starts it and closes it. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** The log storage; the server closes it. An empty one is bootstrapped with the members. */
        public Builder logStorage(LogStorage storage) {
            this.storage = storage;
            return this;
        }

        /**
         * Where snapshots are kept; the server closes it. Without one, an
         * {@link InMemoryLogStorage} gets an {@link InMemorySnapshotStore}; any other (durable)
         * log is never compacted, since a durable log must not lose entries no durable snapshot holds.
         */
        public Builder snapshotStore(SnapshotStore store) {
            this.snapshotStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The user's state machine; the server does not close it. */
        public Builder stateMachine(StateMachine stateMachine) {
            this.stateMachine = stateMachine;
            return this;
        }

        public Builder config(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Forwarding, leases and stepping away when sick (default {@link ServingConfig#defaults()}). */
        public Builder serving(ServingConfig serving) {
            this.serving = Objects.requireNonNull(serving, "serving");
            return this;
        }

        /** Where to record metrics ({@code raft.*}, tagged {@code node}); none if not set. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        public Builder leaderListener(LeaderListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** A listener told when a fatal error stops the server (see {@link FatalErrorListener}). */
        public Builder fatalErrorListener(FatalErrorListener listener) {
            fatalListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Where the futures returned by {@code submit} and {@code query} are completed, and so where
         * callbacks attached to them before completion run. Default: one thread of the server's own,
         * {@code raft-callback-<id>}, which completes them one at a time in the order the server
         * completed them. The executor must not run tasks on the calling thread (that would put
         * user code back on the loop or the apply thread); the server does not shut it down. A
         * completion it refuses runs on the server's notifier thread.
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @throws IllegalArgumentException naming what is missing or wrong
         */
        public RaftServer build() {
            if (nodeId == null || nodeId.isBlank()) {
                throw new IllegalArgumentException("nodeId is required");
            }
            if (members.isEmpty()) {
                throw new IllegalArgumentException("members are required (including this node, " + nodeId + ")");
            }
            if (!members.containsKey(nodeId)) {
                throw new IllegalArgumentException("members " + members.keySet() + " do not include this node, "
                        + nodeId);
            }
            if (transport == null) {
                throw new IllegalArgumentException("transport is required");
            }
            if (storage == null) {
                throw new IllegalArgumentException("logStorage is required");
            }
            if (stateMachine == null) {
                throw new IllegalArgumentException("stateMachine is required");
            }
            return new RaftServer(this);
        }
    }
}
