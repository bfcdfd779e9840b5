package io.raftkit.spi;

import java.io.IOException;

/**
 * A snapshot being written into a {@link SnapshotStore}: bytes are appended in order, then the
 * whole is committed atomically, or discarded by {@link #close()}.
 */
public interface SnapshotSink extends AutoCloseable {

    /** The metadata the snapshot will carry. */
    SnapshotMeta meta();

    /** The number of bytes written so far: the offset at which the next write lands. */
    long size();

    /**
     * Appends bytes.
     *
     * @throws IOException if they cannot be written (the sink should then be closed, discarding it)
     */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Makes the snapshot durable and the store's latest, atomically.
     *
     * @param expectedCrc32c the CRC32C the sender computed over the whole snapshot, to compare
     *                       with what was written, or {@code null} when this node wrote it itself
     * @return the committed snapshot
     * @throws IOException if the bytes do not match {@code expectedCrc32c}, or cannot be made
     *                     durable; the previous snapshot then stays the latest
     */
    StoredSnapshot commit(Integer expectedCrc32c) throws IOException;

    /** Discards the snapshot unless it was committed. Idempotent. */
    @Override
    void close();
}
