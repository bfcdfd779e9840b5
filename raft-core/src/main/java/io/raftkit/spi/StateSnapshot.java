package io.raftkit.spi;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A point-in-time view of a {@link StateMachine}'s state, captured on the apply thread by
 * {@link StateMachine#captureSnapshot()} and written out later on another thread.
 *
 * <p>For a small in-memory state machine the simplest view is an immutable copy:
 * <pre>{@code
 * public StateSnapshot captureSnapshot() {
 *     Map<String, String> frozen = Map.copyOf(map);   // on the apply thread
 *     return out -> write(frozen, out);                // on the snapshot thread
 * }
 * }</pre>
 */
@FunctionalInterface
public interface StateSnapshot extends AutoCloseable {

    /**
     * Writes the captured state. Called once, on a thread other than the apply thread, while
     * apply continues; must not read state that apply changes. Do not close {@code out}.
     *
     * @param out where to write
     * @throws IOException if writing fails (the runtime discards the partial snapshot)
     */
    void writeTo(OutputStream out) throws IOException;

    /** Releases what the view holds (a checkpoint directory, a reference). Called after {@link #writeTo}, or instead of it. */
    @Override
    default void close() throws IOException {
    }
}
