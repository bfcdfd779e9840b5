package io.raftkit.server;

import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.StateMachineException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.StateMachine;
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
                    continue;
                }
                if (stopping) {
                    break;
                }
                parked = true;
                if (queue.isEmpty() && !stopping) {
                    LockSupport.park(this);
                }
                parked = false;
            }
        } catch (Throwable t) {
            server.fatal(t);
        } finally {
            ended = true;
            failAll();
        }
    }

    private void process(ApplyBatch b) {
        current = b;
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
                if (r.succeed(result == null ? EMPTY : result)) {
                    metrics.readServed(System.nanoTime() - r.startNanos);
                }
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
