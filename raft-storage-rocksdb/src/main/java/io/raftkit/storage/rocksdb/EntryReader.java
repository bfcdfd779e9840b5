package io.raftkit.storage.rocksdb;

import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * Reads entry ranges, checking every value's checksum and that no index is missing, so corrupt
 * data is reported with its index and directory instead of being returned.
 */
final class EntryReader {

    private final RocksDB db;
    private final Path dir;

    EntryReader(RocksDB db, Path dir) {
        this.db = db;
        this.dir = dir;
    }

    /**
     * Entries {@code [from, to)}, stopping before their total size exceeds {@code maxBytes} but
     * returning at least one entry when the range is not empty.
     */
    List<Entry> read(long from, long to, long maxBytes) {
        List<Entry> out = new ArrayList<>((int) Math.min(to - from, 256));
        if (from >= to) {
            return out;
        }
        try (Slice upper = new Slice(KeyLayout.entryKey(to));
             ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator it = db.newIterator(options)) {
            long expected = from;
            long bytes = 0;
            for (it.seek(KeyLayout.entryKey(from)); it.isValid() && expected < to; it.next()) {
                long index = KeyLayout.indexOf(it.key());
                if (index != expected) {
                    throw missing(expected, index);
                }
                Entry entry = decode(index, it.value());
                bytes += entry.sizeBytes();
                if (!out.isEmpty() && bytes > maxBytes) {
                    return out;
                }
                out.add(entry);
                expected++;
            }
            it.status();
            if (expected < to) {
                throw missing(expected, -1);
            }
            return out;
        } catch (RocksDBException e) {
            throw readFailure(from, to, e);
        }
    }

    private Entry decode(long index, byte[] value) {
        try {
            return ValueCodec.decodeEntry(index, value);
        } catch (ValueCodec.CorruptValueException e) {
            throw new CorruptLogException(dir, index,
                    "entry " + index + " in log storage directory " + dir + " is corrupt: " + e.getMessage());
        }
    }

    private CorruptLogException missing(long expected, long found) {
        return new CorruptLogException(dir, expected, "entry " + expected + " is missing from log storage directory "
                + dir + (found < 0 ? "" : " (the next stored entry is " + found + ")"));
    }

    private LogStorageException readFailure(long from, long to, RocksDBException e) {
        String message = "cannot read entries [" + from + ", " + to + ") from log storage directory " + dir
                + ": " + e.getMessage();
        if (e.getStatus() != null && e.getStatus().getCode() == org.rocksdb.Status.Code.Corruption) {
            return new CorruptLogException(dir, CorruptLogException.NO_INDEX, message, e);
        }
        return new LogStorageException(message, e);
    }
}
