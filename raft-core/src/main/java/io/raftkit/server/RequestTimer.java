package io.raftkit.server;

import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.UnknownOutcomeException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Enforces the request timeout on its own thread, so that it holds whatever the loop or the apply
 * thread is doing (a slow {@code apply} included): a request not completed within the timeout
 * fails with {@link PendingRequest#timedOut}. A command may still be applied later; its caller
 * was told the outcome is unknown.
 *
 * <p>Every request has the same timeout, so the requests, queued in the order they were accepted,
 * expire in that order: the thread only ever looks at the head of the queue and sleeps until the
 * head's deadline, or {@link #SWEEP_NANOS} at most, to drop requests completed meanwhile: a
 * completed request is not held here much longer than that (unless an older one is still pending).
 */
final class RequestTimer implements Runnable {

    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConcurrentLinkedQueue<PendingRequest> queue = new ConcurrentLinkedQueue<>();
    private final long timeoutNanos;
    private final long timeoutMillis;
    private final Thread thread;
    private volatile boolean stopping;

    RequestTimer(String name, long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
        this.timeoutMillis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
        this.thread = new Thread(this, name);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    Thread thread() {
        return thread;
    }

    /** Watches a request just accepted. */
    void track(PendingRequest r) {
        queue.offer(r);
    }

    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        while (!stopping) {
            long now = System.nanoTime();
            PendingRequest r;
            while ((r = queue.peek()) != null) {
                if (r.isDone()) {
                    queue.poll();
                } else if (now - r.startNanos >= timeoutNanos) {
                    queue.poll();
                    r.fail(r.timedOut(timeoutMillis));
                } else {
                    break;
                }
            }
            long wait = r == null ? SWEEP_NANOS : Math.min(SWEEP_NANOS, r.startNanos + timeoutNanos - now);
            LockSupport.parkNanos(this, Math.max(wait, 1_000_000));
        }
        // the loop and the apply thread, stopped before the timer, completed what they held; this
        // is the safety net that makes close() complete every request ever accepted
        PendingRequest r;
        while ((r = queue.poll()) != null) {
            r.fail(r instanceof Proposal
                    ? new UnknownOutcomeException("the server closed while the command was in flight: it may or may"
                            + " not be committed")
                    : new ServerClosedException("the server closed before the read could be served"));
        }
    }
}
