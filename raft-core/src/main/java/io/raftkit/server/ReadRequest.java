package io.raftkit.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A linearizable read and its result. The loop assigns {@link #id} and, once safe, {@link #index}. */
final class ReadRequest extends CompletableFuture<byte[]> {

    final byte[] query;
    final long startNanos;
    private final AtomicInteger pendingCount;
    long id;
    /** The read may run once the state machine has applied this index. */
    long index;

    ReadRequest(byte[] query, long startNanos, AtomicInteger pendingCount) {
        this.query = query;
        this.startNanos = startNanos;
        this.pendingCount = pendingCount;
    }

    boolean succeed(byte[] result) {
        if (complete(result)) {
            pendingCount.decrementAndGet();
            return true;
        }
        return false;
    }

    boolean fail(Throwable cause) {
        if (completeExceptionally(cause)) {
            pendingCount.decrementAndGet();
            return true;
        }
        return false;
    }
}
