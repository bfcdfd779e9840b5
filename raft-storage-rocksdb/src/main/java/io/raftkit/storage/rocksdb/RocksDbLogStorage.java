package io.raftkit.storage.rocksdb;

import io.micrometer.core.instrument.MeterRegistry;
import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.rocksdb.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable {@link LogStorage} on RocksDB.
 *
 * <p>Writes return at once: a writer thread group-commits everything queued into one
 * {@code WriteBatch} with one sync and completes the futures in call order. Reads run on the
 * caller's thread; first and last index, terms, hard state and snapshot metadata come from
 * memory and include accepted writes still in flight, entry payloads come from RocksDB with
 * their CRC32C checked. Opening checks the whole log and refuses to start, with a
 * {@link CorruptLogException} naming the index and directory, on anything that could mean an
 * acknowledged entry is lost or damaged.
 *
 * <p>After a failed write (full disk, I/O error) the storage is fail-stop: that write and every
 * later one fail with a {@link LogStorageException}, reads show the last durable state, and the
 * storage must be reopened. Besides the {@link LogStorage} preconditions, a write is rejected
 * with {@link IllegalArgumentException} if it would leave the hard state's commit index beyond
 * the last entry (Raft never removes a committed entry), since such a log could not be opened again.
 *
 * <p>One directory can be open in one storage at a time; a second open, from this process or
 * another, fails with a message saying the directory is in use.
 */
public final class RocksDbLogStorage implements LogStorage {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbLogStorage.class);

    private final Path dir;
    private final RocksDbHandle handle;
    private final EntryReader reader;
    private final GroupCommitWriter writer;
    private final SpaceReclaimer reclaimer;
    private final RecoveryStats recoveryStats;
    /** Readers of the database hold it shared; closing the database holds it exclusively. */
    private final ReentrantReadWriteLock dbLock = new ReentrantReadWriteLock();
    private boolean dbClosed; // guarded by dbLock

    // guarded by this
    private LogState view;
    private boolean closed;
    private LogStorageException failure;

    /** Test seams: RocksDB options to adjust, and a wrapper around the batch sink. */
    record Hooks(Consumer<Options> options, UnaryOperator<BatchSink> sink) {
        static final Hooks NONE = new Hooks(o -> { }, s -> s);
    }

    private RocksDbLogStorage(RocksDbHandle handle, LogState recovered, RocksDbLogStorageConfig config,
                              MeterRegistry registry, Hooks hooks, RecoveryStats recoveryStats) {
        this.dir = handle.dir;
        this.recoveryStats = recoveryStats;
        this.handle = handle;
        this.reader = new EntryReader(handle.db, dir);
        this.view = recovered;
        this.reclaimer = config.reclaimSpaceOnCompact() ? new SpaceReclaimer(handle.db, dir) : null;
        BatchSink sink = hooks.sink().apply(batch -> handle.db.write(handle.writeOptions, batch));
        this.writer = new GroupCommitWriter(dir, sink, config.maxBatchBytes(), new StorageMetrics(registry),
                recovered.copy(), this::rollBack, this::reclaim, this::releaseDatabase);
    }

    /** Opens (creating if needed) the log in {@code dir} with the default configuration. */
    public static RocksDbLogStorage open(Path dir) {
        return open(dir, RocksDbLogStorageConfig.defaults(), null);
    }

    /** Opens (creating if needed) the log in {@code dir}. */
    public static RocksDbLogStorage open(Path dir, RocksDbLogStorageConfig config) {
        return open(dir, config, null);
    }

    /**
     * Opens (creating if needed) the log in {@code dir}, recording metrics under
     * {@code raft.storage.} in {@code registry}.
     *
     * @param registry where to record metrics, or {@code null} for none
     * @throws CorruptLogException if the stored log is damaged; the message names the index and directory
     * @throws LogStorageException if the directory is in use or cannot be opened
     */
    public static RocksDbLogStorage open(Path dir, RocksDbLogStorageConfig config, MeterRegistry registry) {
        return open(dir, config, registry, Hooks.NONE);
    }

    static RocksDbLogStorage open(Path dir, RocksDbLogStorageConfig config, MeterRegistry registry, Hooks hooks) {
        Objects.requireNonNull(config, "config");
        Path absolute = dir.toAbsolutePath();
        RocksDbHandle handle = RocksDbHandle.open(absolute, config, hooks.options());
        LogRecovery.Result result;
        try {
            result = LogRecovery.recover(handle);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        LogState recovered = result.state();
        RocksDbLogStorage storage = new RocksDbLogStorage(handle, recovered, config, registry, hooks, result.stats());
        storage.writer.start();
        if (recovered.snapshot().index() > 0) {
            // a crash may have come before the reclaim of the last compaction ran, and nothing
            // remembers that request: ask again (cheap when the prefix is already gone)
            storage.reclaim(recovered.firstIndex());
        }
        LOG.info("opened log storage {}: entries {}..{}, snapshot at {}, {}; read {} entries, skipped {} deleted "
                        + "keys, {} bytes of table blocks", absolute, recovered.firstIndex(), recovered.lastIndex(),
                recovered.snapshot().index(), recovered.hardState(), result.stats().entriesRead(),
                result.stats().internalKeysSkipped(), result.stats().blockBytesRead());
        return storage;
    }

    /** What opening this storage read from disk. */
    RecoveryStats recoveryStats() {
        return recoveryStats;
    }

    /** The directory this storage lives in. */
    public Path directory() {
        return dir;
    }

    @Override
    public CompletableFuture<Void> append(HardState hardState, List<Entry> entries) {
        List<Entry> batch = List.copyOf(Objects.requireNonNull(entries, "entries"));
        synchronized (this) {
            long newLast = view.lastIndex();
            long bytes = 0;
            if (!batch.isEmpty()) {
                long first = batch.get(0).index();
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.get(i).index() != first + i) {
                        throw new IllegalArgumentException("entries are not contiguous at index " + batch.get(i).index());
                    }
                    bytes += batch.get(i).sizeBytes();
                    if (batch.get(i).type() == EntryType.CONFIG) {
                        ClusterConfig.decode(batch.get(i).data()); // refuse a configuration no one could read back
                    }
                }
                if (first > view.lastIndex() + 1) {
                    throw new IllegalArgumentException("gap: first entry " + first + " after last index " + view.lastIndex());
                }
                if (first <= view.snapshot().index()) {
                    throw new IllegalArgumentException(
                            "entry " + first + " is inside the snapshot ending at " + view.snapshot().index());
                }
                newLast = first + batch.size() - 1;
            }
            long commit = (hardState != null ? hardState : view.hardState()).commit();
            if (commit > newLast) {
                throw new IllegalArgumentException("after this append the last index would be " + newLast
                        + ", below the commit index " + commit + ": a committed entry may never be removed");
            }
            long staleTo = Math.max(newLast, view.lastIndex()) + 1;
            List<Long> staleConfigs = batch.isEmpty() ? List.of() : view.configsFrom(batch.get(0).index());
            return submit(new Write.Append(hardState, batch, newLast + 1, batch.isEmpty() ? newLast + 1 : staleTo,
                    staleConfigs), bytes);
        }
    }

    @Override
    public synchronized CompletableFuture<Void> truncateSuffix(long fromIndex) {
        if (fromIndex <= view.snapshot().index()) {
            throw new IllegalArgumentException(
                    "cannot truncate from " + fromIndex + ", inside the snapshot ending at " + view.snapshot().index());
        }
        if (fromIndex <= view.hardState().commit()) {
            throw new IllegalArgumentException("cannot truncate from " + fromIndex + ", at or below the commit index "
                    + view.hardState().commit() + ": a committed entry may never be removed");
        }
        if (fromIndex > view.lastIndex()) {
            return submit(new Write.Noop(), 0);
        }
        return submit(new Write.Truncate(fromIndex, view.lastIndex() + 1, view.configsFrom(fromIndex)), 0);
    }

    @Override
    public synchronized CompletableFuture<Void> compact(SnapshotMeta snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        if (snapshot.index() <= view.snapshot().index()) {
            return submit(new Write.Noop(), 0);
        }
        boolean keepTail = snapshot.index() <= view.lastIndex() && view.termAt(snapshot.index()) == snapshot.term();
        if (!keepTail && view.hardState().commit() > snapshot.index()) {
            throw new IllegalArgumentException("snapshot at " + snapshot.index() + " (term " + snapshot.term()
                    + ") disagrees with the log but the commit index is " + view.hardState().commit()
                    + ": discarding the log would remove committed entries");
        }
        long deleteTo = keepTail ? snapshot.index() + 1 : Math.max(view.lastIndex(), snapshot.index()) + 1;
        List<Long> staleConfigs = keepTail ? view.configsThrough(snapshot.index()) : view.configsFrom(0);
        return submit(new Write.Compact(snapshot, keepTail, view.firstIndex(), deleteTo, staleConfigs), 0);
    }

    /** Called in call order under this object's lock. */
    private CompletableFuture<Void> submit(Write write, long bytes) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new LogStorageException("log storage " + dir + " is closed"));
            return future;
        }
        if (failure == null) {
            view.apply(write);
        } // else the writer fails it, in order behind the writes already queued
        writer.submit(new GroupCommitWriter.Pending(write, bytes, future));
        return future;
    }

    private synchronized void rollBack(LogState durable, LogStorageException cause) {
        LOG.error("log storage {} failed a write and now refuses writes until reopened; last durable index {}",
                dir, durable.lastIndex(), cause);
        failure = cause;
        view = durable;
    }

    private void reclaim(long deleteTo) {
        if (reclaimer != null) {
            reclaimer.request(deleteTo);
        }
    }

    @Override
    public synchronized long firstIndex() {
        return view.firstIndex();
    }

    @Override
    public synchronized long lastIndex() {
        return view.lastIndex();
    }

    @Override
    public synchronized long termAt(long index) {
        if (!view.hasTerm(index)) {
            throw new IndexOutOfBoundsException("index " + index + " outside [" + (view.firstIndex() - 1) + ", "
                    + view.lastIndex() + "] in log storage " + dir);
        }
        return view.termAt(index);
    }

    @Override
    public List<Entry> entries(long fromIndex, long toIndex, long maxBytes) {
        synchronized (this) {
            if (fromIndex < view.firstIndex() || toIndex > view.lastIndex() + 1 || fromIndex > toIndex) {
                throw new IndexOutOfBoundsException("range [" + fromIndex + ", " + toIndex + ") outside ["
                        + view.firstIndex() + ", " + (view.lastIndex() + 1) + ") in log storage " + dir);
            }
        }
        dbLock.readLock().lock();
        try {
            if (dbClosed) {
                throw new LogStorageException("log storage " + dir + " is closed");
            }
            return reader.read(fromIndex, toIndex, maxBytes);
        } finally {
            dbLock.readLock().unlock();
        }
    }

    @Override
    public synchronized HardState hardState() {
        return view.hardState();
    }

    @Override
    public synchronized SnapshotMeta snapshotMeta() {
        return view.snapshot();
    }

    @Override
    public synchronized ConfigEntry latestConfig() {
        return view.latestConfig();
    }

    /**
     * Closes the storage: the batch being synced finishes, writes still queued fail, then the
     * database is closed and its lock released. Idempotent. Called from a callback of one of this
     * storage's futures, it returns at once and the database closes when the callback returns.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        writer.stop();
    }

    /** Runs on the writer thread as it ends. */
    private void releaseDatabase() {
        if (reclaimer != null) {
            reclaimer.shutdown();
        }
        dbLock.writeLock().lock();
        try {
            dbClosed = true;
            handle.close();
            LOG.info("closed log storage {}", dir);
        } finally {
            dbLock.writeLock().unlock();
        }
    }
}
