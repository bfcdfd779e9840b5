package io.raftkit.storage.rocksdb;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Where the writer sends a group-committed batch: RocksDB, with the configured sync. A seam for
 * tests that inject an I/O error into exactly one batch.
 */
@FunctionalInterface
interface BatchSink {

    void write(WriteBatch batch) throws RocksDBException;
}
