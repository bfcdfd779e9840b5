package io.raftkit.storage.rocksdb;

import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Turns accepted writes into RocksDB operations. Several writes may share one batch: RocksDB gives
 * every operation in a batch its own sequence number, so a later put wins over an earlier delete
 * of the same key, exactly as if the writes had been applied one by one.
 */
final class BatchEncoder {

    /**
     * Ranges up to this many keys are deleted key by key: range tombstones cost every later read
     * and compaction of the range a little, point tombstones are cheap in small numbers.
     */
    private static final long POINT_DELETE_LIMIT = 32;

    private BatchEncoder() {
    }

    /** Adds {@code write}'s operations to {@code batch} and returns how many entries it writes. */
    static int add(WriteBatch batch, Write write) throws RocksDBException {
        if (write instanceof Write.Append a) {
            deleteConfigs(batch, a.staleConfigs()); // first: a new configuration at the same index wins
            for (Entry e : a.entries()) {
                batch.put(KeyLayout.entryKey(e.index()), ValueCodec.encodeEntry(e));
                if (e.type() == EntryType.CONFIG) {
                    batch.put(KeyLayout.configKey(e.index()), ValueCodec.encodeConfig(e.index(), e.data()));
                }
            }
            deleteEntries(batch, a.staleFrom(), a.staleTo());
            if (a.hardState() != null) {
                batch.put(KeyLayout.HARD_STATE, ValueCodec.encodeHardState(a.hardState()));
            }
            return a.entries().size();
        }
        if (write instanceof Write.Truncate t) {
            deleteEntries(batch, t.fromIndex(), t.toIndex());
            deleteConfigs(batch, t.staleConfigs());
        } else if (write instanceof Write.Compact c) {
            batch.put(KeyLayout.SNAPSHOT, ValueCodec.encodeSnapshot(c.snapshot()));
            // Always a range tombstone, however short the prefix: the prefix is never read again, and
            // start-up's check below the first index seeks past a range tombstone at once, where it
            // would step over every point tombstone of every past compaction (thousands, with small
            // snapshot thresholds).
            if (c.deleteTo() > c.firstIndex()) {
                batch.deleteRange(KeyLayout.entryKey(c.firstIndex()), KeyLayout.entryKey(c.deleteTo()));
            }
            deleteConfigs(batch, c.staleConfigs());
        }
        return 0;
    }

    private static void deleteConfigs(WriteBatch batch, List<Long> indexes) throws RocksDBException {
        for (long index : indexes) {
            batch.delete(KeyLayout.configKey(index));
        }
    }

    private static void deleteEntries(WriteBatch batch, long from, long to) throws RocksDBException {
        if (to - from > POINT_DELETE_LIMIT) {
            batch.deleteRange(KeyLayout.entryKey(from), KeyLayout.entryKey(to));
            return;
        }
        for (long i = from; i < to; i++) {
            batch.delete(KeyLayout.entryKey(i));
        }
    }
}
