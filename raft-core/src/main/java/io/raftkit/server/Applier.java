package io.raftkit.server;

import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.StateMachine;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply thread: applies committed entries to the state machine in log order, completes the
 * proposers' futures with the results, serves reads once their index is applied, tells leader
 * listeners, and times out proposals that waited too long. It owns the proposals in flight: only
 * this thread completes them once they are proposed, so a success and a failure never race.
 */
final class Applier implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    private final RaftServer server;
    private final StateMachine stateMachine;
    private final ServerMetrics metrics;
    private final long requestTimeoutNanos;
    private final ConcurrentLinkedQueue<ApplyBatch> queue = new ConcurrentLinkedQueue<>();
    /** Proposed, not yet applied or failed; in index order within a term, terms in order. */
    private final ArrayDeque<Proposal> pending = new ArrayDeque<>();
    /** Reads whose index is not applied yet, in index order. */
    private final ArrayDeque<ReadRequest> reads = new ArrayDeque<>();
    private final long skipUpTo;
    private long applied;
    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean stopping;

    Applier(RaftServer server, StateMachine stateMachine, ServerMetrics metrics, long requestTimeoutNanos,
            long alreadyApplied) {
        this.server = server;
        this.stateMachine = stateMachine;
        this.metrics = metrics;
        this.requestTimeoutNanos = requestTimeoutNanos;
        this.skipUpTo = alreadyApplied;
        this.applied = alreadyApplied;
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
        if (parked) {
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
                    continue;
                }
                if (stopping) {
                    break;
                }
                long now = System.nanoTime();
                expire(now);
                parked = true;
                if (queue.isEmpty() && !stopping) {
                    long wait = pending.isEmpty() ? TimeUnit.SECONDS.toNanos(1)
                            : Math.max(1_000_000, pending.peekFirst().startNanos + requestTimeoutNanos - now);
                    LockSupport.parkNanos(this, wait);
                }
                parked = false;
            }
        } catch (Throwable t) {
            log.error("{}: the apply thread failed; the server stops", server.id(), t);
            server.fatal(t);
        } finally {
            failAll();
        }
    }

    private void process(ApplyBatch b) {
        List<Entry> committed = b.committed;
        if (!committed.isEmpty()) {
            applyEntries(committed);
        }
        if (b.leadershipLost) {
            Proposal p;
            while ((p = pending.pollFirst()) != null) {
                p.fail(new UnknownOutcomeException("leadership changed (the leader is now "
                        + (b.newLeader == null ? "unknown" : b.newLeader) + ") while command at index " + p.index
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
        for (ApplyBatch.LeaderChange c : b.leaderChanges) {
            server.notifyLeaderListeners(c);
        }
        if (!pending.isEmpty()) {
            expire(System.nanoTime());
        }
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
            RuntimeException failure = null;
            if (e.type() == EntryType.COMMAND && index > skipUpTo) {
                try {
                    result = stateMachine.apply(index, e.data());
                    if (result == null) {
                        result = EMPTY;
                    }
                } catch (RuntimeException ex) {
                    log.error("{}: the state machine threw while applying index {}; the command fails on this node",
                            server.id(), index, ex);
                    failure = ex;
                }
            }
            applied = index;
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
                } else if (failure != null) {
                    p.fail(failure);
                } else {
                    p.succeed(result);
                    metrics.proposalApplied(now - p.startNanos);
                }
            }
        }
        server.appliedIndex = applied;
        server.onApplied();
        metrics.applied(n);
    }

    private void serveReads() {
        ReadRequest r;
        while ((r = reads.peekFirst()) != null && r.index <= applied) {
            reads.pollFirst();
            try {
                byte[] result = stateMachine.query(r.query);
                if (r.succeed(result == null ? EMPTY : result)) {
                    metrics.readServed(System.nanoTime() - r.startNanos);
                }
            } catch (RuntimeException ex) {
                r.fail(ex);
            }
        }
    }

    /** Fails proposals that waited longer than the request timeout (the oldest first). */
    private void expire(long now) {
        Proposal p;
        while ((p = pending.peekFirst()) != null && now - p.startNanos >= requestTimeoutNanos) {
            pending.pollFirst();
            p.fail(new UnknownOutcomeException("command at index " + p.index + " timed out after "
                    + TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos) + " ms: it may or may not be committed;"
                    + " retrying is safe only if the command is idempotent"));
        }
    }

    private void failAll() {
        // batches that arrived after we stopped carry proposals too
        ApplyBatch b;
        while ((b = queue.poll()) != null) {
            pending.addAll(b.proposed);
            reads.addAll(b.reads);
        }
        Proposal p;
        while ((p = pending.pollFirst()) != null) {
            p.fail(new UnknownOutcomeException("the server closed while command at index " + p.index
                    + " was in flight: it may or may not be committed"));
        }
        ReadRequest r;
        while ((r = reads.pollFirst()) != null) {
            r.fail(new ServerClosedException("the server closed before the read could be served"));
        }
    }


    private static final byte[] EMPTY = new byte[0];
}
