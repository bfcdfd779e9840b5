package io.raftkit.server;

import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps the most recently appended entries in memory in front of a {@link LogStorage}, so that
 * the reads the core makes right after a write (the leader applying what just committed, a
 * follower that fell a little behind) do not go to disk. A pure optimization: every write goes
 * to the storage unchanged, and a read the cache cannot answer goes to the storage.
 *
 * <p>Bounded by entry count and bytes; the oldest entries are dropped first. Like the core, it is
 * used from the loop thread only (and before the loop starts); {@link #close()} may come from any thread.
 */
final class CachingLogStorage implements LogStorage {

    private final LogStorage storage;
    private final Entry[] ring;
    private final int mask;
    private final long maxBytes;
    /** Index of the oldest cached entry; the cache holds [first, first + count). */
    private long first = 1;
    private int count;
    private long bytes;

    CachingLogStorage(LogStorage storage, int capacityPowerOfTwo, long maxBytes) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacityPowerOfTwo);
        }
        this.storage = storage;
        this.ring = new Entry[capacityPowerOfTwo];
        this.mask = capacityPowerOfTwo - 1;
        this.maxBytes = maxBytes;
    }

    LogStorage delegate() {
        return storage;
    }

    private Entry at(long index) {
        return ring[(int) (index & mask)];
    }

    private boolean holds(long index) {
        return index >= first && index < first + count;
    }

    @Override
    public CompletableFuture<Void> append(HardState hardState, List<Entry> entries) {
        CompletableFuture<Void> f = storage.append(hardState, entries);
        if (!entries.isEmpty()) {
            cache(entries);
        }
        return f;
    }

    private void cache(List<Entry> entries) {
        long start = entries.get(0).index();
        if (start >= first && start <= first + count) {
            truncateFrom(start);
        } else {
            clear();
            first = start;
        }
        for (int i = 0, n = entries.size(); i < n; i++) {
            Entry e = entries.get(i);
            if (count == ring.length) {
                evictOldest();
            }
            ring[(int) (e.index() & mask)] = e;
            count++;
            bytes += e.sizeBytes();
        }
        while (bytes > maxBytes && count > 1) {
            evictOldest();
        }
    }

    private void evictOldest() {
        int slot = (int) (first & mask);
        bytes -= ring[slot].sizeBytes();
        ring[slot] = null;
        first++;
        count--;
    }

    private void truncateFrom(long index) {
        while (count > 0 && first + count - 1 >= index) {
            int slot = (int) ((first + count - 1) & mask);
            bytes -= ring[slot].sizeBytes();
            ring[slot] = null;
            count--;
        }
    }

    private void clear() {
        truncateFrom(first);
    }

    @Override
    public CompletableFuture<Void> truncateSuffix(long fromIndex) {
        if (fromIndex <= first) {
            clear();
            first = fromIndex;
        } else {
            truncateFrom(fromIndex);
        }
        return storage.truncateSuffix(fromIndex);
    }

    @Override
    public CompletableFuture<Void> compact(SnapshotMeta snapshot) {
        long index = snapshot.index();
        if (index <= storage.firstIndex() - 1) {
            return storage.compact(snapshot); // older than the current one: ignored
        }
        boolean matches = holds(index) ? at(index).term() == snapshot.term()
                : index >= storage.firstIndex() - 1 && index <= storage.lastIndex()
                        && storage.termAt(index) == snapshot.term();
        if (matches) {
            // a local compaction keeps the entries after the snapshot: so does the cache
            while (count > 0 && first <= index) {
                evictOldest();
            }
        } else {
            clear(); // the storage discards the whole log
            first = index + 1;
        }
        return storage.compact(snapshot);
    }

    @Override
    public long firstIndex() {
        return storage.firstIndex();
    }

    @Override
    public long lastIndex() {
        return storage.lastIndex();
    }

    @Override
    public long termAt(long index) {
        if (holds(index)) {
            return at(index).term();
        }
        return storage.termAt(index);
    }

    @Override
    public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
        if (fromIndex >= toIndex || !holds(fromIndex) || !holds(toIndex - 1)) {
            return storage.entries(fromIndex, toIndex, maxBytes);
        }
        List<Entry> out = new ArrayList<>((int) Math.min(toIndex - fromIndex, 1024));
        long total = 0;
        for (long i = fromIndex; i < toIndex; i++) {
            Entry e = at(i);
            total += e.sizeBytes();
            if (!out.isEmpty() && total > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public HardState hardState() {
        return storage.hardState();
    }

    @Override
    public SnapshotMeta snapshotMeta() {
        return storage.snapshotMeta();
    }

    @Override
    public ConfigEntry latestConfig() {
        return storage.latestConfig();
    }

    @Override
    public void close() {
        storage.close();
    }

    @Override
    public String toString() {
        return "CachingLogStorage[" + storage + ", cached " + first + ".." + (first + count - 1) + "]";
    }
}
