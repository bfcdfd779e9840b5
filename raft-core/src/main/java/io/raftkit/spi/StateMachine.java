package io.raftkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The replicated service: what a user of raftkit implements.
 *
 * <p>The runtime calls {@link #apply} with every committed command, in log order, exactly once
 * per index (across restarts too, given {@link #lastAppliedIndex()}), from a single thread.
 * {@link #query} may be called from another thread, concurrently with apply: make the state it
 * reads thread-safe.
 *
 * <p><b>Apply must be deterministic.</b> Every replica applies the same commands in the same
 * order and must reach the same state; anything that varies between replicas (the clock,
 * randomness, the local configuration) must be decided by the proposer and carried in the command.
 */
public interface StateMachine extends AutoCloseable {

    /**
     * Applies one committed command.
     *
     * @param index   the command's log index; strictly increasing across calls
     * @param command the command as proposed
     * @return the result handed to the proposer's future (may be empty, not null)
     */
    byte[] apply(long index, byte[] command);

    /**
     * Answers a read-only query against the current state. For a linearizable read the runtime
     * calls this only once the state machine has applied everything committed when the read began.
     */
    byte[] query(byte[] query);

    /**
     * The index of the last command whose effects are durable in this state machine, or 0 for a
     * purely in-memory state machine. After a restart the runtime applies only entries after
     * this index (and after the latest snapshot).
     */
    default long lastAppliedIndex() {
        return 0;
    }

    /**
     * Writes a snapshot of the state as of the last applied index. Called from the apply thread,
     * so no apply runs concurrently.
     */
    default void writeSnapshot(OutputStream out) throws IOException {
        throw new UnsupportedOperationException("this state machine does not support snapshots");
    }

    /** Replaces the whole state with a snapshot taken at {@code index}. */
    default void restoreSnapshot(InputStream in, long index) throws IOException {
        throw new UnsupportedOperationException("this state machine does not support snapshots");
    }

    /** Releases resources. */
    @Override
    default void close() {
    }
}
