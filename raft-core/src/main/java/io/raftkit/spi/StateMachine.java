package io.raftkit.spi;

import java.io.IOException;
import java.io.InputStream;

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
     * Captures a point-in-time view of the state as of the last applied index, for a snapshot.
     *
     * <p>Called on the apply thread between two applies, so the view is exactly the state after
     * the last applied entry. Apply waits while this runs: return quickly, having captured a view
     * that later applies cannot change (an immutable or copy-on-write reference, a frozen copy of
     * a small map, a RocksDB checkpoint). The runtime then calls {@link StateSnapshot#writeTo} on
     * another thread, concurrently with apply, and closes the view afterwards.
     *
     * <p>The default throws {@link UnsupportedOperationException}: the runtime then never takes
     * snapshots and keeps the whole log (and cannot bring back a follower that needs entries the
     * leader no longer has, which only happens when snapshots are supported).
     *
     * @return the captured view, which writes itself to a stream
     * @throws IOException if the view cannot be captured (the runtime retries later; apply goes on)
     */
    default StateSnapshot captureSnapshot() throws IOException {
        throw new UnsupportedOperationException("this state machine does not support snapshots");
    }

    /**
     * Replaces the whole state with a snapshot, as written by {@link StateSnapshot#writeTo}.
     *
     * <p>Called on the apply thread (no apply runs concurrently), when a follower installs a
     * snapshot from the leader and at start when the state machine is behind the newest local
     * snapshot ({@link #lastAppliedIndex()} below its index). The stream has been checksummed
     * before it is handed over. Afterwards {@link #lastAppliedIndex()} must answer at least
     * {@code index} for a durable state machine, and the next apply is {@code index + 1}. If this
     * throws, the node stops (fail-stop): the state may be half replaced. A durable state machine
     * should therefore switch atomically (write the new state beside the old one, then switch).
     *
     * @param in    the snapshot's bytes
     * @param index the last log index the snapshot includes
     * @throws IOException if the snapshot cannot be read or stored
     */
    default void restoreSnapshot(InputStream in, long index) throws IOException {
        throw new UnsupportedOperationException("this state machine does not support snapshots");
    }

    /** Releases resources. */
    @Override
    default void close() {
    }
}
