package io.raftkit.memory;

import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link LogStorage} in memory that models a disk with a write cache.
 *
 * <p>In the default mode every write is durable at once and its future completes before the
 * call returns. In {@linkplain #manualSync() manual-sync mode} writes are visible to reads at
 * once but become durable only when {@link #sync()} (or {@link #syncOne()}) is called, which is
 * also when their futures complete; {@link #crash(Random)} then returns what a restarted node
 * would find on disk: everything synced, and possibly a torn prefix of the first unsynced
 * write. The simulator uses this to check that nothing is acknowledged before it is durable.
 *
 * <p>Not thread-safe beyond the {@link LogStorage} contract (one writer thread); intended for
 * tests, the simulator and embedded use without durability.
 */
public final class InMemoryLogStorage implements LogStorage {

    private final boolean manualSync;
    private final LogState visible;
    private final LogState durable;
    private final ArrayDeque<PendingWrite> pending = new ArrayDeque<>();
    private boolean failWrites;
    private boolean closed;

    /** An empty storage whose writes are durable at once. */
    public InMemoryLogStorage() {
        this(false, new LogState());
    }

    private InMemoryLogStorage(boolean manualSync, LogState durable) {
        this.manualSync = manualSync;
        this.durable = durable;
        this.visible = durable.copy();
    }

    /** An empty storage whose writes become durable only on {@link #sync()}. */
    public static InMemoryLogStorage manualSync() {
        return new InMemoryLogStorage(true, new LogState());
    }

    @Override
    public synchronized CompletableFuture<Void> append(HardState hardState, List<Entry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (!entries.isEmpty()) {
            long first = entries.get(0).index();
            long expected = first;
            for (Entry e : entries) {
                if (e.index() != expected++) {
                    throw new IllegalArgumentException("entries are not contiguous at index " + e.index());
                }
            }
            if (first > visible.lastIndex() + 1) {
                throw new IllegalArgumentException(
                        "gap: first entry " + first + " after last index " + visible.lastIndex());
            }
            if (first <= visible.snapshot.index()) {
                throw new IllegalArgumentException(
                        "entry " + first + " is inside the snapshot ending at " + visible.snapshot.index());
            }
        }
        for (Entry e : entries) {
            if (e.type() == EntryType.CONFIG) {
                ClusterConfig.decode(e.data()); // refuse a configuration no one could read back
            }
        }
        long newLast = entries.isEmpty() ? visible.lastIndex() : entries.get(entries.size() - 1).index();
        long newCommit = hardState != null ? hardState.commit() : visible.hardState.commit();
        if (newCommit > newLast) {
            // a log that ends before its own commit index could never be restarted from
            throw new IllegalArgumentException("commit index " + newCommit + " would be beyond the last index " + newLast);
        }
        return submit(new Write.Append(hardState, List.copyOf(entries)));
    }

    @Override
    public synchronized CompletableFuture<Void> truncateSuffix(long fromIndex) {
        if (fromIndex <= visible.snapshot.index()) {
            throw new IllegalArgumentException(
                    "cannot truncate from " + fromIndex + ", inside the snapshot ending at " + visible.snapshot.index());
        }
        if (fromIndex <= visible.hardState.commit()) {
            throw new IllegalArgumentException(
                    "cannot truncate from " + fromIndex + ", at or below the commit index " + visible.hardState.commit());
        }
        return submit(new Write.Truncate(fromIndex));
    }

    @Override
    public synchronized CompletableFuture<Void> compact(SnapshotMeta snapshot) {
        return submit(new Write.Compact(Objects.requireNonNull(snapshot, "snapshot")));
    }

    private CompletableFuture<Void> submit(Write write) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new LogStorageException("storage is closed"));
            return future;
        }
        if (failWrites) {
            future.completeExceptionally(new LogStorageException("simulated I/O error: disk full"));
            return future;
        }
        visible.apply(write);
        if (manualSync) {
            pending.add(new PendingWrite(write, future));
        } else {
            durable.apply(write);
            future.complete(null);
        }
        return future;
    }

    /** Makes every pending write durable and completes their futures, in order. */
    public void sync() {
        while (syncOne()) {
            // keep syncing
        }
    }

    /**
     * Makes the oldest pending write durable and completes its future.
     *
     * @return false if nothing was pending
     */
    public boolean syncOne() {
        PendingWrite write;
        synchronized (this) {
            write = pending.poll();
            if (write == null) {
                return false;
            }
            durable.apply(write.write);
        }
        write.future.complete(null); // outside the lock: callbacks may write again
        return true;
    }

    /** Number of writes not yet durable (always 0 unless in manual-sync mode). */
    public synchronized int pendingWrites() {
        return pending.size();
    }

    /**
     * What a node restarted after a crash now would find: a new storage in the same mode with
     * only the durable state. When {@code random} is not null, it may keep a prefix of the
     * entries of the first unsynced append (a torn write: some of its data reached the disk,
     * though its write never completed). Pending futures of this storage never complete.
     */
    public synchronized InMemoryLogStorage crash(Random random) {
        LogState survived = durable.copy();
        PendingWrite first = pending.peek();
        if (random != null && first != null && first.write instanceof Write.Append append
                && !append.entries().isEmpty() && random.nextBoolean()) {
            int keep = random.nextInt(append.entries().size() + 1);
            if (keep > 0) {
                survived.apply(new Write.Append(null, append.entries().subList(0, keep)));
            }
        }
        closed = true;
        pending.clear();
        return new InMemoryLogStorage(manualSync, survived);
    }

    /** When true, every new write fails as a full disk would, and changes nothing. */
    public synchronized void failWrites(boolean fail) {
        this.failWrites = fail;
    }

    /** The hard state that would survive a crash now. */
    public synchronized HardState durableHardState() {
        return durable.hardState;
    }

    /** The last index that would survive a crash now. */
    public synchronized long durableLastIndex() {
        return durable.lastIndex();
    }

    /** The snapshot index (the log's first index - 1) that would survive a crash now. */
    public synchronized long durableSnapshotIndex() {
        return durable.snapshot.index();
    }

    /** The term at {@code index} that would survive a crash now, or -1 if that entry would not. */
    public synchronized long durableTermAt(long index) {
        if (index == durable.snapshot.index()) {
            return durable.snapshot.term();
        }
        if (index < durable.firstIndex() || index > durable.lastIndex()) {
            return -1;
        }
        return durable.entry(index).term();
    }

    @Override
    public synchronized long firstIndex() {
        return visible.firstIndex();
    }

    @Override
    public synchronized long lastIndex() {
        return visible.lastIndex();
    }

    @Override
    public synchronized long termAt(long index) {
        if (index == visible.snapshot.index()) {
            return visible.snapshot.term();
        }
        if (index < visible.firstIndex() || index > visible.lastIndex()) {
            throw new IndexOutOfBoundsException("index " + index + " outside ["
                    + (visible.firstIndex() - 1) + ", " + visible.lastIndex() + "]");
        }
        return visible.entry(index).term();
    }

    @Override
    public synchronized List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
        if (fromIndex < visible.firstIndex() || toIndex > visible.lastIndex() + 1 || fromIndex > toIndex) {
            throw new IndexOutOfBoundsException("range [" + fromIndex + ", " + toIndex + ") outside ["
                    + visible.firstIndex() + ", " + (visible.lastIndex() + 1) + ")");
        }
        List<Entry> out = new ArrayList<>((int) Math.min(toIndex - fromIndex, 1024));
        long bytes = 0;
        for (long i = fromIndex; i < toIndex; i++) {
            Entry e = visible.entry(i);
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    @Override
    public synchronized HardState hardState() {
        return visible.hardState;
    }

    @Override
    public synchronized SnapshotMeta snapshotMeta() {
        return visible.snapshot;
    }

    @Override
    public synchronized ConfigEntry latestConfig() {
        return visible.latestConfig();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PendingWrite w : pending) {
            w.future.completeExceptionally(new LogStorageException("storage closed before the write was synced"));
        }
        pending.clear();
    }

    private sealed interface Write {
        record Append(HardState hardState, List<Entry> entries) implements Write {
        }

        record Truncate(long fromIndex) implements Write {
        }

        record Compact(SnapshotMeta snapshot) implements Write {
        }
    }

    private record PendingWrite(Write write, CompletableFuture<Void> future) {
    }

    /** The log as a list offset by the snapshot index. */
    private static final class LogState {
        private ArrayList<Entry> entries = new ArrayList<>();
        private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
        private HardState hardState = HardState.EMPTY;
        /** The configuration entries in the log, by index. */
        private TreeMap<Long, ClusterConfig> configs = new TreeMap<>();

        long firstIndex() {
            return snapshot.index() + 1;
        }

        long lastIndex() {
            return snapshot.index() + entries.size();
        }

        Entry entry(long index) {
            return entries.get((int) (index - firstIndex()));
        }

        void apply(Write write) {
            if (write instanceof Write.Append a) {
                if (!a.entries().isEmpty()) {
                    truncateFrom(a.entries().get(0).index());
                    entries.addAll(a.entries());
                    for (Entry e : a.entries()) {
                        if (e.type() == EntryType.CONFIG) {
                            configs.put(e.index(), ClusterConfig.decode(e.data()));
                        }
                    }
                }
                if (a.hardState() != null) {
                    hardState = a.hardState();
                }
            } else if (write instanceof Write.Truncate t) {
                truncateFrom(t.fromIndex());
            } else if (write instanceof Write.Compact c) {
                compact(c.snapshot());
            }
        }

        private void truncateFrom(long index) {
            configs.tailMap(index, true).clear();
            int keep = (int) Math.max(0, index - firstIndex());
            if (keep < entries.size()) {
                entries.subList(keep, entries.size()).clear();
            }
        }

        private void compact(SnapshotMeta snap) {
            if (snap.index() <= snapshot.index()) {
                return;
            }
            boolean matches = snap.index() <= lastIndex() && entry(snap.index()).term() == snap.term();
            ArrayList<Entry> kept = new ArrayList<>();
            if (matches) {
                kept.addAll(entries.subList((int) (snap.index() - firstIndex() + 1), entries.size()));
            }
            entries = kept;
            snapshot = snap;
            if (matches) {
                configs.headMap(snap.index(), true).clear();
            } else {
                configs.clear();
            }
        }

        ConfigEntry latestConfig() {
            var last = configs.lastEntry();
            if (last != null) {
                return new ConfigEntry(last.getKey(), last.getValue());
            }
            return snapshot.index() > 0 ? new ConfigEntry(snapshot.index(), snapshot.config()) : ConfigEntry.NONE;
        }

        LogState copy() {
            LogState c = new LogState();
            c.entries = new ArrayList<>(entries);
            c.snapshot = snapshot;
            c.hardState = hardState;
            c.configs = new TreeMap<>(configs);
            return c;
        }
    }
}
