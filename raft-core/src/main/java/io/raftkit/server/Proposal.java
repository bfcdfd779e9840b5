package io.raftkit.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A submitted command and, being a future itself, its result: one object per command on the
 * hot path. The loop sets {@link #index} and {@link #term} when it proposes the command and then
 * hands the proposal to the apply thread through a queue (which orders the writes before the reads).
 */
final class Proposal extends CompletableFuture<byte[]> {

    final byte[] command;
    final long startNanos;
    private final AtomicInteger pendingCount;
    long index;
    long term;

    Proposal(byte[] command, long startNanos, AtomicInteger pendingCount) {
        this.command = command;
        this.startNanos = startNanos;
        this.pendingCount = pendingCount;
    }

    /** Completes with the state machine's result; false if it was already completed. */
    boolean succeed(byte[] result) {
        if (complete(result)) {
            pendingCount.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Fails the proposal; false if it was already completed. */
    boolean fail(Throwable cause) {
        if (completeExceptionally(cause)) {
            pendingCount.decrementAndGet();
            return true;
        }
        return false;
    }
}
