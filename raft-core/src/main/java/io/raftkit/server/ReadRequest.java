package io.raftkit.server;

import java.util.concurrent.atomic.AtomicInteger;

/** A linearizable read and its result. The loop assigns {@link #id} and, once safe, {@link #index}. */
final class ReadRequest extends PendingRequest {

    final byte[] query;
    long id;
    /** The read may run once the state machine has applied this index. */
    long index;

    ReadRequest(byte[] query, long startNanos, AtomicInteger pendingCount) {
        super(startNanos, pendingCount);
        this.query = query;
    }
}
