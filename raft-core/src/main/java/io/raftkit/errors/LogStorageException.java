package io.raftkit.errors;

/**
 * A {@link io.raftkit.spi.LogStorage} could not do what was asked: an I/O error, a full disk, corrupt data, or
 * a storage that is closed. The message says which, and where.
 */
public class LogStorageException extends RuntimeException {

    public LogStorageException(String message) {
        super(message);
    }

    public LogStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
