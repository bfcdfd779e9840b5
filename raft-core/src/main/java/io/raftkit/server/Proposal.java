package io.raftkit.server;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A submitted command and, being a future itself, its result: one object per command on the
 * hot path. The loop sets {@link #index} and {@link #term} when it proposes the command and then
 * hands the proposal to the apply thread through a queue (which orders the writes before the reads).
 */
final class Proposal extends PendingRequest {

    final byte[] command;
    long index;
    long term;

    Proposal(byte[] command, long startNanos, AtomicInteger pendingCount) {
        super(startNanos, pendingCount);
        this.command = command;
    }
}
