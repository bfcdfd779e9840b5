package io.raftkit.ledger;

/** The ledger's own RocksDB failed (disk full, corruption): the node cannot go on safely. */
public final class LedgerStorageException extends RuntimeException {

    public LedgerStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
