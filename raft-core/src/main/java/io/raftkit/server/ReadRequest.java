package io.raftkit.server;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/** A linearizable read. The loop assigns {@link #id} and, once safe, {@link #index}. */
final class ReadRequest extends PendingRequest {

    final byte[] query;
    /** What the read promises; LINEARIZABLE unless the caller asked for less. */
    ReadConsistency consistency = ReadConsistency.LINEARIZABLE;
    long id;
    /** The read may run once the state machine has applied this index. */
    long index;

    ReadRequest(byte[] query, long startNanos, PendingBudget budget, Executor callbacks) {
        super(startNanos, query.length, budget, callbacks);
        this.query = query;
    }

    @Override
    Throwable timedOut(long timeoutMillis) {
        return new TimeoutException("the read was not served within " + timeoutMillis + " ms");
    }
}
