package io.raftkit.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request in flight, as the runtime sees it. The caller gets a separate future
 * ({@link #future()}): whatever the caller does with it (complete, cancel, a timeout of its own)
 * changes nothing here. The runtime completes the request exactly once, whichever of the apply
 * thread, the loop, the timer or a closing thread comes first (the flag this class extends is
 * that claim); the winner gives the request's share of the {@link PendingBudget} back at once and
 * hands the caller's completion to the callback executor, so no user callback runs on the thread
 * that completed the request.
 */
abstract class PendingRequest extends AtomicBoolean {

    final long startNanos;
    private final int size;
    private final PendingBudget budget;
    private final Executor callbacks;
    private final CompletableFuture<byte[]> caller = new CompletableFuture<>();

    PendingRequest(long startNanos, int size, PendingBudget budget, Executor callbacks) {
        this.startNanos = startNanos;
        this.size = size;
        this.budget = budget;
        this.callbacks = callbacks;
    }

    /** The caller's future. */
    final CompletableFuture<byte[]> future() {
        return caller;
    }

    /** Whether the runtime has completed this request (the caller's future may not be yet). */
    final boolean isDone() {
        return get();
    }

    /** Completes with the state machine's answer; false if it was already completed. */
    final boolean succeed(byte[] result) {
        if (!claim()) {
            return false;
        }
        callbacks.execute(() -> caller.complete(result));
        return true;
    }

    /** Fails the request; false if it was already completed. */
    final boolean fail(Throwable cause) {
        if (!claim()) {
            return false;
        }
        callbacks.execute(() -> caller.completeExceptionally(cause));
        return true;
    }

    /** The failure for a request not completed within the request timeout. */
    abstract Throwable timedOut(long timeoutMillis);

    private boolean claim() {
        if (get() || !compareAndSet(false, true)) {
            return false;
        }
        budget.release(size);
        return true;
    }
}
