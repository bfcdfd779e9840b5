package io.raftkit.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request in flight that is its own result future, and counts itself out of the server's
 * pending requests (the backpressure bound) exactly once, however it completes.
 */
abstract class PendingRequest extends CompletableFuture<byte[]> {

    final long startNanos;
    private final AtomicInteger pendingCount;

    PendingRequest(long startNanos, AtomicInteger pendingCount) {
        this.startNanos = startNanos;
        this.pendingCount = pendingCount;
    }

    /** Completes with the state machine's answer; false if it was already completed. */
    boolean succeed(byte[] result) {
        if (complete(result)) {
            pendingCount.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Fails the request; false if it was already completed. */
    boolean fail(Throwable cause) {
        if (completeExceptionally(cause)) {
            pendingCount.decrementAndGet();
            return true;
        }
        return false;
    }
}
