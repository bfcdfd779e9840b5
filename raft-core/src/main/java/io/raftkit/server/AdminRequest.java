package io.raftkit.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An operator's request (a membership change, a leadership transfer) in flight on the loop. As
 * with commands, the caller gets a future of its own, completed on the callback executor, never on
 * the loop thread; the loop completes the request exactly once.
 *
 * @param <T> what the caller's future completes with
 */
final class AdminRequest<T> {

    private final AtomicBoolean done = new AtomicBoolean();
    private final CompletableFuture<T> caller = new CompletableFuture<>();
    private final Executor callbacks;
    /** When the request times out, in {@link System#nanoTime()}. */
    final long deadlineNanos;

    AdminRequest(Executor callbacks, long deadlineNanos) {
        this.callbacks = callbacks;
        this.deadlineNanos = deadlineNanos;
    }

    CompletableFuture<T> future() {
        return caller;
    }

    boolean isDone() {
        return done.get();
    }

    boolean succeed(T value) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        callbacks.execute(() -> caller.complete(value));
        return true;
    }

    boolean fail(Throwable cause) {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        callbacks.execute(() -> caller.completeExceptionally(cause));
        return true;
    }
}
