package io.raftkit.storage.rocksdb;

import io.raftkit.errors.LogStorageException;
import java.nio.file.Path;

/**
 * The stored log is damaged: an entry or a metadata value fails its checksum, an entry is
 * missing, or the stored state contradicts itself. Thrown when the storage is opened (the node
 * must not start on it) or when a read meets the damage (the data is never served).
 */
public final class CorruptLogException extends LogStorageException {

    /** Marks corruption that is not in a particular entry (metadata, or found by RocksDB itself). */
    public static final long NO_INDEX = -1;

    private final transient Path directory;
    private final long index;

    CorruptLogException(Path directory, long index, String message, Throwable cause) {
        super(message, cause);
        this.directory = directory;
        this.index = index;
    }

    CorruptLogException(Path directory, long index, String message) {
        this(directory, index, message, null);
    }

    /** The storage directory holding the damaged data. */
    public Path directory() {
        return directory;
    }

    /** The log index of the damaged or missing entry, or {@link #NO_INDEX}. */
    public long index() {
        return index;
    }
}
