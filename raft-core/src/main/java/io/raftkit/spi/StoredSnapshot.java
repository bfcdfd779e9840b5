package io.raftkit.spi;

import java.io.IOException;
import java.io.InputStream;

/** A complete snapshot in a {@link SnapshotStore}. */
public interface StoredSnapshot {

    /** Its index, term and configuration. */
    SnapshotMeta meta();

    /** Its size in bytes. */
    long sizeBytes();

    /** The CRC32C of all its bytes, as recorded at commit. */
    int crc32c();

    /**
     * Reads up to {@code length} bytes starting at {@code position}, for sending in chunks.
     *
     * @return the number of bytes read, or -1 at the end
     * @throws IOException if the snapshot was deleted (a newer one replaced it) or cannot be read
     */
    int read(long position, byte[] buffer, int offset, int length) throws IOException;

    /**
     * Opens the whole snapshot for reading, to restore a state machine. The stream verifies the
     * checksum: reading to its end throws an {@link IOException} if the bytes do not match.
     *
     * @throws IOException if the snapshot was deleted or cannot be opened
     */
    InputStream open() throws IOException;
}
