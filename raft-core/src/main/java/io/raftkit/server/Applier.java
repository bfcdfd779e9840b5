package io.raftkit.server;

import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.StateMachineException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The apply thread: applies committed entries to the state machine in log order, completes the
 * proposals with the results, and serves reads once their index is applied. Completing a request
 * only hands the caller's completion to the callback executor, so no user callback runs here.
 * The request timer may fail a proposal first; a request is completed once, by whoever comes first.
 *
 * <p>An exception from {@code apply} stops the node (fail-stop, {@link StateMachineException}):
 * the applied index stays before the failed entry, so a restarted node applies it again (from
 * {@code StateMachine.lastAppliedIndex()}).
 *
 * <p>Snapshots: after a batch, once the entries or bytes applied since the last snapshot pass the
 * thresholds (or one was asked for), the state machine's view is captured here, between two
 * applies, and written on the snapshot thread ({@link Snapshotter}). A snapshot installed from the
 * leader is restored here too, in order with the entries before and after it.
 */
final class Applier implements Runnable {

    private final RaftServer server;
    private final StateMachine stateMachine;
    private final ServerMetrics metrics;
    private final ConcurrentLinkedQueue<ApplyBatch> queue = new ConcurrentLinkedQueue<>();
    /** Proposed, not yet applied or failed; in index order within a term, terms in order. */
    private final ArrayDeque<Proposal> pending = new ArrayDeque<>();
    /** Reads whose index is not applied yet, in index order. */
    private final ArrayDeque<ReadRequest> reads = new ArrayDeque<>();
    private final long skipUpTo;
    /** The batch being processed: if apply throws, its proposals and reads are failed with the rest. */
    private ApplyBatch current;
    private long applied;
    /** For snapshots: the term and configuration at the applied index, entries and bytes since the last snapshot. */
    private long appliedTerm;
    private ClusterConfig appliedConfig;
    private SnapshotMeta lastSnapshot;
    private long entriesSinceSnapshot;
    private long bytesSinceSnapshot;
    private Snapshotter snapshotter;
    private SnapshotStore store;
    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean ended;

    Applier(RaftServer server, StateMachine stateMachine, ServerMetrics metrics, long alreadyApplied) {
        this.server = server;
        this.stateMachine = stateMachine;
        this.metrics = metrics;
        this.skipUpTo = alreadyApplied;
        this.applied = alreadyApplied;
    }

    /**
     * Turns snapshots on (before {@link #start}).
     *
     * @param appliedMeta the term and configuration at the applied index
     * @param latest      the store's newest snapshot's meta, or {@link SnapshotMeta#EMPTY}
     */
    void snapshots(Snapshotter snapshotter, SnapshotStore store, SnapshotMeta appliedMeta, SnapshotMeta latest) {
        this.snapshotter = snapshotter;
        this.store = store;
        this.appliedTerm = appliedMeta.term();
        this.appliedConfig = appliedMeta.config();
        this.lastSnapshot = latest;
        this.entriesSinceSnapshot = Math.max(0, applied - latest.index());
    }

    /** A snapshot was asked for: wake the thread so it captures one at once. Any thread. */
    void snapshotRequested() {
        Thread t = thread;
        if (t != null && parked) {
            LockSupport.unpark(t);
        }
    }

    void start(String nodeId) {
        Thread t = new Thread(this, "raft-apply-" + nodeId);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    Thread thread() {
        return thread;
    }

    /** Called by the loop thread only. */
    void submit(ApplyBatch batch) {
        queue.offer(batch);
        if (ended) {
            failQueued(); // the thread is gone (a fatal error stopped it first): nobody else will
        } else if (parked) {
            LockSupport.unpark(thread);
        }
    }

    /** Asks the thread to finish the batches queued so far, fail what is left, and exit. */
    void stop() {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        try {
            while (true) {
                ApplyBatch b = queue.poll();
                if (b != null) {
                    process(b);
                    server.applyBatchDone(); // the answers to forwarded commands leave, one message per follower
                    continue;
                }
                if (stopping) {
                    break;
                }
                if (snapshotter != null && snapshotter.hasRequest()) {
                    maybeSnapshot();
                }
                parked = true;
                if (queue.isEmpty() && !stopping && (snapshotter == null || !snapshotter.hasRequest())) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        } catch (Throwable t) {
            server.fatal(t);
        } finally {
            ended = true;
            failAll();
            server.applyBatchDone();
        }
    }

    private void process(ApplyBatch b) {
        current = b;
        if (b.restore != null) {
            restore(b.restore);
        }
        List<Entry> committed = b.committed;
        if (!committed.isEmpty()) {
            applyEntries(committed);
        }
        if (b.leadershipLost) {
            Proposal p;
            while ((p = pending.pollFirst()) != null) {
                p.fail(new UnknownOutcomeException((b.stepAwayReason != null ? "the leader stepped away ("
                        + b.stepAwayReason + ")" : "leadership changed (the leader is now "
                        + (b.newLeader == null ? "unknown" : b.newLeader) + ")") + " while command at index " + p.index
                        + " was in flight: it may or may not be committed; retrying is safe only if the command"
                        + " is idempotent (e.g. carries a unique id the state machine deduplicates)"));
            }
        }
        if (!b.proposed.isEmpty()) {
            pending.addAll(b.proposed);
        }
        for (ReadRequest r : b.reads) {
            reads.addLast(r);
        }
        serveReads();
        dropCompleted();
        current = null;
        maybeSnapshot();
    }

    private void maybeSnapshot() {
        if (snapshotter == null || !snapshotter.due(entriesSinceSnapshot, bytesSinceSnapshot)) {
            return;
        }
        if (applied <= lastSnapshot.index()) {
            snapshotter.upToDate(lastSnapshot);
            return;
        }
        SnapshotMeta meta = new SnapshotMeta(applied, appliedTerm, appliedConfig);
        if (snapshotter.capture(stateMachine, meta)) {
            // counted from here: the next snapshot is due a threshold after this one
            lastSnapshot = meta;
            entriesSinceSnapshot = 0;
            bytesSinceSnapshot = 0;
        }
    }

    /**
     * Replaces the state machine's state with the snapshot installed from the leader (already
     * durable in the store, the log compacted to it). Its checksum is verified as it is read: the
     * rest of the stream is drained, so a mismatch the state machine did not reach still fails.
     * A failure here is fatal: the state may be half replaced.
     */
    private void restore(SnapshotMeta meta) {
        StoredSnapshot stored = store == null ? null : store.latest().orElse(null);
        if (stored == null || !stored.meta().equals(meta)) {
            throw new IllegalStateException("the snapshot store does not hold the snapshot to restore, " + meta
                    + ", but " + (stored == null ? "none" : stored.meta()));
        }
        try (InputStream in = stored.open()) {
            stateMachine.restoreSnapshot(in, meta.index());
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("restoring the state machine from the snapshot at index " + meta.index()
                    + " failed", e);
        }
        applied = meta.index();
        appliedTerm = meta.term();
        appliedConfig = meta.config();
        lastSnapshot = meta;
        entriesSinceSnapshot = 0;
        bytesSinceSnapshot = 0;
        server.appliedIndex = applied;
        server.onApplied();
    }

    private void applyEntries(List<Entry> committed) {
        int n = committed.size();
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Entry e = committed.get(i);
            long index = e.index();
            if (index <= applied) {
                continue; // the state machine already has it (restart), or a duplicate hand-over
            }
            byte[] result = null;
            if (e.type() == EntryType.COMMAND && index > skipUpTo) {
                try {
                    result = stateMachine.apply(index, e.data());
                } catch (RuntimeException ex) {
                    server.appliedIndex = applied; // everything before this entry
                    throw new StateMachineException(index, ex);
                }
                if (result == null) {
                    result = EMPTY;
                }
            }
            applied = index;
            appliedTerm = e.term();
            entriesSinceSnapshot++;
            bytesSinceSnapshot += e.sizeBytes();
            if (e.type() == EntryType.CONFIG) {
                appliedConfig = ClusterConfig.decode(e.data());
            }
            Proposal p;
            while ((p = pending.peekFirst()) != null && p.index <= index) {
                pending.pollFirst();
                if (p.index < index) {
                    // cannot happen while entries are applied one by one; be safe rather than hang
                    p.fail(new UnknownOutcomeException("command at index " + p.index + " (term " + p.term
                            + ") was not seen when applying: its outcome is unknown"));
                } else if (p.term != e.term()) {
                    p.fail(new UnknownOutcomeException("command at index " + p.index + " (term " + p.term
                            + ") was replaced by an entry of term " + e.term() + " after a leader change: it was"
                            + " not committed at that index; its outcome is unknown to this server, so retry only"
                            + " if the command is idempotent"));
                } else {
                    // measured before the caller can see the answer, so a caller never reads a
                    // latency count that misses its own request
                    metrics.proposalApplied(now - p.startNanos);
                    p.succeed(result);
                }
            }
        }
        server.appliedIndex = applied;
        server.onApplied();
        metrics.applied(n);
    }

    private void serveReads() {
        if (reads.isEmpty() || reads.peekFirst().index > applied && reads.peekLast().index > applied) {
            return; // the common case: nothing became servable
        }
        // indexes come from local ReadIndex rounds, leases and the leaders of follower reads, so
        // they are not always in order: serve every read whose index is applied
        java.util.Iterator<ReadRequest> it = reads.iterator();
        while (it.hasNext()) {
            ReadRequest r = it.next();
            if (r.index > applied) {
                continue;
            }
            it.remove();
            if (r.isDone()) {
                continue; // timed out: nobody waits for the answer
            }
            try {
                byte[] result = stateMachine.query(r.query);
                // measured before the caller can see the answer (a read the request timer fails
                // meanwhile is then counted as served: rare, and only in this timer)
                metrics.readServed(System.nanoTime() - r.startNanos);
                r.succeed(result == null ? EMPTY : result);
            } catch (RuntimeException ex) {
                r.fail(ex);
            }
        }
    }

    /**
     * Forgets the oldest proposals the request timer already failed, so that a leader that cannot
     * commit does not pile them up here (their entries, if they commit, are still applied).
     */
    private void dropCompleted() {
        Proposal p;
        while ((p = pending.peekFirst()) != null && p.isDone()) {
            pending.pollFirst();
        }
    }

    private void failAll() {
        Throwable fatal = server.failure();
        String why = fatal == null ? "the server closed" : "the server stopped after a fatal error (" + fatal + ")";
        Proposal p;
        while ((p = pending.pollFirst()) != null) {
            p.fail(new UnknownOutcomeException(why + " while command at index " + p.index
                    + " was in flight: it may or may not be committed", fatal));
        }
        ReadRequest r;
        while ((r = reads.pollFirst()) != null) {
            r.fail(new ServerClosedException(why + " before the read could be served", fatal));
        }
        if (current != null) {
            fail(current, why, fatal);
            current = null;
        }
        failQueued();
    }

    /** Fails the requests of batches handed over after the thread stopped taking them. */
    private void failQueued() {
        Throwable fatal = server.failure();
        String why = fatal == null ? "the server closed" : "the server stopped after a fatal error (" + fatal + ")";
        ApplyBatch b;
        while ((b = queue.poll()) != null) {
            fail(b, why, fatal);
        }
    }

    private static void fail(ApplyBatch b, String why, Throwable fatal) {
        for (Proposal p : b.proposed) {
            p.fail(new UnknownOutcomeException(why + " while command at index " + p.index
                    + " was in flight: it may or may not be committed", fatal));
        }
        for (ReadRequest r : b.reads) {
            r.fail(new ServerClosedException(why + " before the read could be served", fatal));
        }
    }


    private static final byte[] EMPTY = new byte[0];
}
