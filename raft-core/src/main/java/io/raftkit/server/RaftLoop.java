package io.raftkit.server;

import io.raftkit.core.FollowerProgress;
import io.raftkit.core.RaftNode;
import io.raftkit.core.ReadState;
import io.raftkit.core.SnapshotInfo;
import io.raftkit.core.Role;
import io.raftkit.core.SoftState;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StoredSnapshot;
import io.raftkit.spi.Transport;
import io.raftkit.spi.message.Message;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop: the only thread that touches the {@link RaftNode}. Each turn it ticks the core
 * when a tick is due, steps every inbound message, releases what became durable, starts reads,
 * proposes every queued command in one batch, and hands the resulting Readies to its
 * {@link ReadyPipeline} (sends, storage writes without waiting, committed entries for the apply
 * thread). Durable writes come back as completed futures, released in order at the next turn, so
 * the leader keeps replicating while its own fsync is in flight. The loop also reports the apply
 * thread's progress to the core, which holds committed entries back past
 * {@link ServerConfig#maxUnappliedBytes()}.
 *
 * <p>Snapshots: a snapshot the snapshot thread made durable comes back here; the loop tells the
 * core (a leader sends it to followers that need it) and compacts the log up to
 * {@link ServerConfig#compactionMarginEntries()} entries before it, but only when a snapshot
 * store exists (a durable log is never compacted without a durable snapshot).
 */
final class RaftLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RaftLoop.class);
    private static final int MAX_MESSAGES_PER_TURN = 4096;

    private final RaftServer server;
    private final String id;
    private final RaftNode node;
    private final LogStorage storage;
    private final Transport transport;
    private final Applier applier;
    private final ServerMetrics metrics;
    private final int maxBatch;
    private final long tickNanos;
    private final long requestTimeoutNanos;

    private final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Proposal> proposals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ReadRequest> readQueue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<StoredSnapshot> snapshotsTaken = new ConcurrentLinkedQueue<>();
    /** Operators' requests (membership, leadership transfer), run on the loop at its next turn. */
    private final ConcurrentLinkedQueue<AdminTask> adminTasks = new ConcurrentLinkedQueue<>();
    private final MembershipRequests membership;
    private final long compactionMargin;
    /** Reads waiting for the core's ReadState, by request id, oldest first. */
    private final LinkedHashMap<Long, ReadRequest> reads = new LinkedHashMap<>();
    private final List<byte[]> commands = new ArrayList<>();
    private final List<Proposal> batch = new ArrayList<>();
    private final ReadyPipeline pipeline;
    private final UnappliedBytes unapplied;
    /** Forwarding to the leader and serving other nodes' forwarded requests. */
    private final LoopRouting routing;
    /** Notices this leader's disk stalling (ServingConfig#stepDownOnStalledWriteAfter). */
    private final StalledWriteGuard stallGuard;

    private ApplyBatch applyBatch;
    /**
     * Queued proposals wait for this leader's log write in flight (see {@link #holdProposals}):
     * while set, the queue alone does not keep the loop awake; the write's completion wakes it.
     */
    private boolean holdingProposals;
    /** The last turn took {@code maxBatch} proposals and may have left more: no hold at the next. */
    private boolean proposalBacklog;
    /** Set by the loop each turn: the core holds committed entries back until apply reports progress. */
    private volatile boolean applyWaitsForHost;
    /** The applied index last reported to the core (apply back-pressure, see RaftConfig#maxUnappliedBytes). */
    private long reportedApplied;
    private long readSeq;
    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean stopRequested;

    // the last published soft state, to detect changes
    private Role role;
    private long term;
    /** The configuration the follower gauges were last trimmed to. */
    private io.raftkit.spi.ConfigEntry metricsConfig;
    private String leader;

    RaftLoop(RaftServer server, RaftNode node, LogStorage storage, Transport transport, Applier applier,
             ServerMetrics metrics, ServerConfig config, SnapshotStore snapshotStore) {
        this.compactionMargin = config.compactionMarginEntries();
        this.server = server;
        this.id = node.nodeId();
        this.node = node;
        this.storage = storage;
        this.transport = transport;
        this.applier = applier;
        this.metrics = metrics;
        this.maxBatch = config.maxBatchEntries();
        this.tickNanos = config.tick().toNanos();
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.role = node.role();
        this.term = node.term();
        this.leader = node.leaderId();
        this.reportedApplied = server.appliedIndex;
        this.unapplied = server.unapplied;
        this.pipeline = new ReadyPipeline(node, storage.hardState(), this::write, transport::send,
                new ReadyPipeline.ApplySink() {
                    @Override
                    public void softState(SoftState softState) {
                        onSoftState(softState);
                    }

                    @Override
                    public void committed(List<Entry> entries) {
                        applyBatch().committed.addAll(entries);
                        unapplied.handedOut(entries);
                    }

                    @Override
                    public void readStates(List<ReadState> readStates) {
                        readsConfirmed(readStates);
                    }

                    @Override
                    public void restore(SnapshotMeta meta) {
                        // the entries handed out before the snapshot are applied before it is restored
                        flushApplyBatch();
                        applyBatch().restore = meta;
                    }
                }, this::wakeup, Runnable::run, snapshotStore == null ? ReadyPipeline.NO_SNAPSHOTS
                        : new ReadyPipeline.Snapshots() {
                            @Override
                            public SnapshotStore store() {
                                return snapshotStore;
                            }

                            @Override
                            public CompletableFuture<Void> compact(SnapshotMeta meta) {
                                CompletableFuture<Void> f = storage.compact(meta);
                                metrics.compactedTo(meta.index());
                                return f;
                            }

                            @Override
                            public void received(StoredSnapshot stored) {
                                metrics.snapshotInstalled(stored.sizeBytes(), stored.meta().index());
                                server.snapshotIndex = stored.meta().index();
                            }

                            @Override
                            public void chunkSent(String to, int bytes) {
                                metrics.chunkSent(bytes);
                            }

                            @Override
                            public void receiveFailed(SnapshotMeta meta, Exception cause) {
                                metrics.snapshotReceiveFailed();
                            }
                        });
        this.stallGuard = new StalledWriteGuard(server.serving().stalledWriteTicks(config.tick()));
        this.membership = new MembershipRequests(server, node, transport, metrics, config, server.members());
        this.routing = new LoopRouting(server, node, transport, metrics, server.serving(),
                Math.max(1, config.electionTicks() / 2), this::propose, this::read, r -> applyBatch().reads.add(r));
    }

    /** The snapshot thread made a snapshot durable: tell the core and compact the log (on the loop). */
    void snapshotTaken(StoredSnapshot stored) {
        snapshotsTaken.offer(stored);
        wakeup();
    }

    private boolean drainSnapshotsTaken() {
        StoredSnapshot stored;
        boolean any = false;
        while ((stored = snapshotsTaken.poll()) != null) {
            any = true;
            SnapshotMeta meta = stored.meta();
            node.snapshotAvailable(new SnapshotInfo(meta, stored.sizeBytes(), stored.crc32c()));
            server.snapshotIndex = Math.max(server.snapshotIndex, meta.index());
            long compactTo = meta.index() - compactionMargin;
            if (compactTo > node.firstIndex() - 1 && compactTo <= node.lastIndex()) {
                SnapshotMeta point = node.snapshotMetaAt(compactTo);
                storage.compact(point).whenComplete((v, e) -> {
                    if (e != null) {
                        log.warn("{}: compacting the log to index {} failed; the log keeps those entries", id,
                                compactTo, e);
                    }
                });
                metrics.compactedTo(compactTo);
                log.debug("{} compacted its log to index {} (snapshot at {})", id, compactTo, meta.index());
            }
        }
        return any;
    }

    void start() {
        Thread t = new Thread(this, "raft-loop-" + id);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    Thread thread() {
        return thread;
    }

    // --- inputs from other threads -------------------------------------------------------------

    void onMessage(Message m) {
        if (stopRequested) {
            return; // nobody will take it: a stopped loop must not grow its inbox
        }
        inbox.offer(m);
        wakeup();
    }

    void propose(Proposal p) {
        proposals.offer(p);
        wakeup();
    }

    void read(ReadRequest r) {
        readQueue.offer(r);
        wakeup();
    }

    /** An operator's request and what the loop does with it. */
    private record AdminTask(AdminRequest<?> request, java.util.function.Consumer<MembershipRequests> run) {
    }

    /** Runs an operator's request on the loop thread at its next turn (fails it if the loop stops first). */
    void admin(AdminRequest<?> request, java.util.function.Consumer<MembershipRequests> run) {
        adminTasks.offer(new AdminTask(request, run));
        wakeup();
    }

    void stop() {
        stopRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The apply thread made progress. The loop is woken only if the core holds committed entries
     * back for it: waking it after every apply batch costs a context switch per batch (a third
     * of the throughput at 64 clients on 2 cores), and otherwise the next turn reports progress anyway.
     */
    void onApplied() {
        if (applyWaitsForHost) {
            wakeup();
        }
    }

    /** The apply thread finished a batch: the answers it produced for other nodes leave now. */
    void applyBatchDone() {
        routing.flushAnswers();
    }

    private void wakeup() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    // --- the loop ------------------------------------------------------------------------------

    @Override
    public void run() {
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (!stopRequested) {
                boolean work = false;
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    node.tick();
                    nextTick += tickNanos;
                    if (now - nextTick >= 0) {
                        nextTick = now + tickNanos; // we fell behind (a pause): do not tick in a burst
                    }
                    onTick(now);
                    work = true;
                }
                work |= drainMessages();
                work |= drainSnapshotsTaken();
                work |= pipeline.releaseDurable();
                work |= reportApplied();
                work |= drainReads();
                work |= drainProposals();
                work |= drainAdmin();
                while (node.hasReady()) {
                    pipeline.handleReady(node.ready());
                    work = true;
                }
                membership.afterTurn(now); // may give the transport new members' addresses: before the flush
                routing.flush(); // what this turn forwarded and answered, one message per peer and kind
                flushApplyBatch();
                applyWaitsForHost = node.applyWaitsForHost();
                publishStatus();
                if (!work) {
                    parked = true;
                    if (!hasWork()) {
                        LockSupport.parkNanos(this, nextTick - System.nanoTime());
                    }
                    parked = false;
                }
            }
        } catch (Throwable t) {
            server.fatal(t);
        } finally {
            shutdown();
        }
    }

    private boolean hasWork() {
        if (stopRequested || !inbox.isEmpty() || (!holdingProposals && !proposals.isEmpty()) || !readQueue.isEmpty()
                || !snapshotsTaken.isEmpty() || !adminTasks.isEmpty()) {
            return true;
        }
        return pipeline.hasReleasable() || (applyWaitsForHost && server.appliedIndex != reportedApplied);
    }

    private boolean reportApplied() {
        long applied = server.appliedIndex;
        if (applied == reportedApplied) {
            return false;
        }
        reportedApplied = applied;
        node.appliedTo(applied);
        unapplied.appliedTo(applied);
        return true;
    }

    /** A Ready's write, handed to storage, with the storage metrics. */
    private CompletableFuture<Void> write(HardState hardState, List<Entry> entries) {
        long start = System.nanoTime();
        CompletableFuture<Void> write = storage.append(hardState, entries);
        metrics.storageWrite(entries.size());
        if (metrics.enabled()) {
            write.whenComplete((v, e) -> {
                if (e == null) {
                    metrics.storageDurable(System.nanoTime() - start);
                }
            });
        }
        return write;
    }

    private boolean drainMessages() {
        Message m;
        int n = 0;
        while (n < MAX_MESSAGES_PER_TURN && (m = inbox.poll()) != null) {
            if (m.kind().isRouting()) {
                routing.onMessage(m);
            } else {
                node.step(m);
            }
            n++;
        }
        return n > 0;
    }

    private boolean drainAdmin() {
        AdminTask task;
        boolean any = false;
        while ((task = adminTasks.poll()) != null) {
            if (!task.request().isDone()) {
                try {
                    task.run().accept(membership);
                } catch (RuntimeException | Error e) {
                    // a bug or a broken invariant: the loop stops (fatal), but the caller hears of it
                    task.request().fail(new UnknownOutcomeException("the request failed unexpectedly (" + e
                            + "); the server stops", e));
                    throw e;
                }
            }
            any = true;
        }
        return any;
    }

    private boolean drainReads() {
        ReadRequest r;
        boolean any = false;
        while ((r = readQueue.poll()) != null) {
            any = true;
            if (r.isDone()) {
                continue; // timed out while queued
            }
            if (r.consistency == ReadConsistency.LOCAL) {
                metrics.readStarted("local");
                r.index = 0; // this node's applied state, whatever it is
                applyBatch().reads.add(r);
                continue;
            }
            if (node.role() != Role.LEADER) {
                if (routing.forwarding()) {
                    routing.forwardRead(r);
                } else {
                    r.fail(new NotLeaderException(node.leaderId(), node.term(), null));
                }
                continue;
            }
            if (r.consistency == ReadConsistency.LEASE) {
                long leaseIndex = node.leaseReadIndex();
                if (leaseIndex >= 0) {
                    metrics.readStarted("lease");
                    r.index = leaseIndex;
                    applyBatch().reads.add(r);
                    continue;
                }
                metrics.readStarted("lease_fallback");
            } else {
                metrics.readStarted("linearizable");
            }
            r.id = ++readSeq;
            try {
                node.readIndex(r.id);
                reads.put(r.id, r);
            } catch (NotLeaderException e) {
                r.fail(e);
            }
        }
        return any;
    }

    /**
     * Proposes the queued commands as one batch. Every proposal taken from the queue ends up either
     * with the apply thread (proposed) or failed here, whatever is thrown: an exception other than
     * NotLeaderException is a bug or a broken invariant, so after failing the batch it stops the loop.
     */
    private boolean drainProposals() {
        holdingProposals = holdProposals();
        if (holdingProposals) {
            return false;
        }
        Proposal p;
        boolean routed = false;
        boolean leads = node.role() == Role.LEADER;
        // Bounded by what is taken, not only by what is proposed: a node that stepped down earlier in
        // this turn still believes itself the leader in its router until this turn's soft state is
        // handled, so forwarding hands a command straight back to this queue; without the bound the
        // loop would take it again for ever and never reach the Ready that tells the router
        // (a leadership transfer under load did exactly that).
        int taken = 0;
        while (batch.size() < maxBatch && taken++ < maxBatch
                && ((p = routing.pollForwarded()) != null || (p = proposals.poll()) != null)) {
            if (p.isDone()) {
                continue; // timed out while queued: its caller was told the outcome is unknown
            }
            if (!leads && routing.forwarding() && !p.forwarded) {
                routing.forwardWrite(p); // to the leader; a command forwarded here is never forwarded again
                routed = true;
                continue;
            }
            batch.add(p);
            commands.add(p.command);
        }
        proposalBacklog = taken > maxBatch || batch.size() >= maxBatch;
        int n = batch.size();
        if (n == 0) {
            return routed;
        }
        boolean handedOver = false;
        try {
            long first = node.proposeBatch(commands);
            long t = node.term();
            for (int i = 0; i < n; i++) {
                Proposal q = batch.get(i);
                q.index = first + i;
                q.term = t;
            }
            applyBatch().proposed.addAll(batch);
            handedOver = true;
            metrics.proposalsAccepted(n);
        } catch (NotLeaderException e) {
            for (int i = 0; i < n; i++) {
                batch.get(i).fail(e);
            }
            metrics.proposalRejectedNotLeader(n);
        } catch (RuntimeException | Error e) {
            if (!handedOver) {
                UnknownOutcomeException unknown = new UnknownOutcomeException("proposing the command failed"
                        + " unexpectedly (" + e + "): it may or may not be in the log; the server stops", e);
                for (int i = 0; i < n; i++) {
                    batch.get(i).fail(unknown);
                }
            }
            throw e;
        } finally {
            batch.clear();
            commands.clear();
        }
        return true;
    }

    /**
     * Whether a leader keeps its queued proposals (local and forwarded) for a later turn: while one
     * of its log writes is in flight, the next batch waits until that write is durable (its
     * completion wakes the loop). The storage syncs one batch at a time anyway, so the wait costs
     * the leader no disk time, and the commands that arrive meanwhile share one append per follower,
     * one follower write and one acknowledgement instead of one each per turn. This matters most
     * when commands come in many small streams (forwarded from every follower, one message per
     * follower turn): without it the leader proposed a handful per turn and spent three times the
     * CPU per command (docs/performance.md). Not held: a backlog of a full batch or more (a burst
     * must not be cut to one batch per sync), and a node that cannot propose (the commands go on
     * to be refused or forwarded now, e.g. during a leadership transfer).
     */
    private boolean holdProposals() {
        return !proposalBacklog && node.canPropose() && pipeline.oldestPendingWrite() != null;
    }

    /** ReadIndex reads the core confirmed: they go to the apply thread, served once applied. */
    private void readsConfirmed(List<ReadState> readStates) {
        for (int i = 0, n = readStates.size(); i < n; i++) {
            ReadState rs = readStates.get(i);
            if (routing.readConfirmed(rs)) {
                continue; // another node's read: its index went back to it
            }
            ReadRequest r = reads.remove(rs.requestId());
            if (r != null) {
                r.index = rs.index();
                applyBatch().reads.add(r);
            }
        }
    }

    private void onSoftState(SoftState s) {
        Role prevRole = role;
        long prevTerm = term;
        String prevLeader = leader;
        routing.softState(prevRole, s.role(), s.leaderId(), s.term()); // first: reads of a lost leadership go on
        if (prevRole == Role.LEADER && (s.role() != Role.LEADER || s.term() != prevTerm)) {
            leadershipLost(s.leaderId());
        }
        if (s.role() == Role.CANDIDATE && (prevRole != Role.CANDIDATE || s.term() != prevTerm)) {
            metrics.electionStarted();
        }
        if (s.role() == Role.LEADER && (prevRole != Role.LEADER || s.term() != prevTerm)) {
            metrics.electionWon();
            log.info("{} is the leader for term {}", id, s.term());
        }
        if (!Objects.equals(s.leaderId(), prevLeader)) {
            if (s.leaderId() != null) {
                metrics.leaderChanged();
            }
            server.leaderChanged(new LeaderChange(s.leaderId(), s.term(), id.equals(s.leaderId())));
        }

        role = s.role();
        term = s.term();
        leader = s.leaderId();
        server.role = role;
        server.term = term;
        server.leader = leader;
        if (!s.config().equals(metricsConfig)) {
            // a member added at run time gets its gauges on first use; a removed one loses them
            metricsConfig = s.config();
            metrics.retainFollowers(metricsConfig.config().members());
        }
        if (role != Role.LEADER) {
            for (String f : node.clusterConfig().members()) {
                if (!f.equals(id)) {
                    metrics.followerLag(f, 0);
                    metrics.installProgress(f, 0, 0);
                }
            }
            server.installs = Map.of();
            server.snapshotSending(false);
        }
    }

    /**
     * This leader's disk has stalled: it stops accepting proposals (a transfer is in progress),
     * hands leadership to its most up-to-date follower, and fails what it has in flight, whose fate
     * it cannot learn in time.
     */
    private void stepAway(String target) {
        String reason = "a log write has been outstanding for over " + stallGuardMillis()
                + " ms (stepDownOnStalledWriteAfter); leadership goes to " + target;
        log.warn("{} steps away as leader of term {}: {}", id, term, reason);
        metrics.steppedDown("stalled_write");
        node.transferLeadership(target);
        ApplyBatch b = applyBatch();
        b.leadershipLost = true;
        b.newLeader = target;
        b.stepAwayReason = reason;
    }

    private long stallGuardMillis() {
        return server.serving().stepDownOnStalledWriteAfter().toMillis();
    }

    private void leadershipLost(String newLeader) {
        ApplyBatch b = applyBatch();
        b.leadershipLost = true;
        b.newLeader = newLeader;
        for (ReadRequest r : reads.values()) {
            if (routing.forwarding()) {
                routing.forwardRead(r); // a read has no effect: ask the next leader
            } else {
                r.fail(new NotLeaderException(newLeader, "this node lost leadership before the read was confirmed"
                        + (newLeader == null ? "; no leader is known" : "; the leader is " + newLeader)));
            }
        }
        reads.clear();
    }

    private void onTick(long now) {
        routing.tick();
        String target = stallGuard.tick(pipeline.oldestPendingWrite(), node);
        if (target != null) {
            stepAway(target);
        }
        if (!reads.isEmpty()) {
            Iterator<ReadRequest> it = reads.values().iterator();
            while (it.hasNext()) {
                ReadRequest r = it.next();
                if (!r.isDone() && now - r.startNanos < requestTimeoutNanos) {
                    break;
                }
                // the request timer fails it (and may have already): the loop only forgets it
                it.remove();
                r.fail(r.timedOut(TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos)));
            }
        }
        if (role == Role.LEADER) {
            long last = node.lastIndex();
            Map<String, ServerStatus.InstallProgress> installs = null;
            for (String f : node.clusterConfig().members()) {
                FollowerProgress pr = node.progress(f);
                if (pr != null && !f.equals(id)) {
                    metrics.followerLag(f, Math.max(0, last - pr.match()));
                    metrics.installProgress(f, pr.snapshotBytesAcked(), pr.snapshotBytesTotal());
                    if (pr.snapshotBytesTotal() > 0) {
                        if (installs == null) {
                            installs = new java.util.TreeMap<>();
                        }
                        installs.put(f, new ServerStatus.InstallProgress(pr.snapshotBytesAcked(),
                                pr.snapshotBytesTotal()));
                    }
                }
            }
            server.installs = installs == null ? Map.of() : Map.copyOf(installs);
            server.snapshotSending(installs != null);
        }
    }

    private ApplyBatch applyBatch() {
        if (applyBatch == null) {
            applyBatch = new ApplyBatch();
        }
        return applyBatch;
    }

    private void flushApplyBatch() {
        if (applyBatch != null) {
            applier.submit(applyBatch);
            applyBatch = null;
        }
    }

    private void publishStatus() {
        long commit = node.commitIndex();
        if (server.commitIndex != commit) {
            server.commitIndex = commit;
        }
        long last = node.lastIndex();
        if (server.lastIndex != last) {
            server.lastIndex = last;
        }
        long first = node.firstIndex();
        if (server.firstIndex != first) {
            server.firstIndex = first;
        }
    }

    /** The loop is ending: fail what it holds, then let the apply thread finish and stop. */
    private void shutdown() {
        inbox.clear();
        pipeline.close();
        Throwable fatal = server.failure();
        ServerClosedException closed = fatal == null ? new ServerClosedException("the server is closed")
                : new ServerClosedException("the server stopped after a fatal error: " + fatal, fatal);
        Proposal p;
        int n = 0;
        while ((p = proposals.poll()) != null) {
            p.fail(closed);
            n++;
        }
        ReadRequest r;
        while ((r = readQueue.poll()) != null) {
            r.fail(closed);
        }
        for (ReadRequest q : reads.values()) {
            q.fail(closed);
        }
        reads.clear();
        routing.close(closed);
        routing.flushAnswers();
        AdminTask task;
        while ((task = adminTasks.poll()) != null) {
            task.request().fail(closed); // never proposed: nothing was done
        }
        membership.close(closed);
        try {
            flushApplyBatch();
        } catch (RuntimeException e) {
            log.warn("{}: could not hand the last batch to the apply thread", id, e);
        }
        applier.stop();
        if (n > 0) {
            log.debug("{}: failed {} queued proposals at shutdown", id, n);
        }
    }
}
