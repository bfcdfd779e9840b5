package io.raftkit.storage.rocksdb;

import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.util.List;

/**
 * One accepted write, resolved against the log as it will be when the writes before it have
 * taken effect. Everything that depends on the log's state (which keys go stale, whether a
 * snapshot keeps the tail) is decided when the write is accepted, so applying it to the
 * in-memory state and turning it into RocksDB operations are both pure functions of the record.
 */
sealed interface Write {

    /**
     * Entries (possibly none) and an optional hard state. The stale range {@code [staleFrom, staleTo)}
     * holds the old entries past the new last index that a suffix replacement removes;
     * {@code staleConfigs} the indexes of the configuration keys it removes (or overwrites).
     */
    record Append(HardState hardState, List<Entry> entries, long staleFrom, long staleTo, List<Long> staleConfigs)
            implements Write {
    }

    /**
     * Removes the entries {@code [fromIndex, toIndex)}, and the configuration keys at
     * {@code staleConfigs}; the old last index was {@code toIndex - 1}.
     */
    record Truncate(long fromIndex, long toIndex, List<Long> staleConfigs) implements Write {
    }

    /**
     * Records a snapshot and removes the entries {@code [firstIndex, deleteTo)} and the
     * configuration keys at {@code staleConfigs}. When {@code keepTail} is false the whole log
     * goes and the last index becomes the snapshot index.
     */
    record Compact(SnapshotMeta snapshot, boolean keepTail, long firstIndex, long deleteTo, List<Long> staleConfigs)
            implements Write {
    }

    /** A write that changes nothing (an older snapshot, a truncation past the end) but still orders its future. */
    record Noop() implements Write {
    }
}
