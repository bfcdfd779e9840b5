package io.raftkit.spi;

import io.raftkit.errors.LogStorageException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The durable part of a Raft node: the log, the {@link HardState} and the metadata of the
 * latest snapshot.
 *
 * <h2>Durability</h2>
 * A write is durable — it survives a crash of the process or the machine — when the future
 * it returned completes normally. Raft's safety depends on this promise: the runtime sends a
 * vote or acknowledges entries only after the future completes. An implementation may
 * group the writes that are queued while a sync is in flight into one sync (group commit), but
 * must never complete a future before the data it covers is synced. A write that fails
 * completes its future exceptionally with a {@link LogStorageException} and leaves the storage
 * as it was before that write (the write is all or nothing).
 *
 * <h2>Ordering</h2>
 * Writes take effect in the order they are called, and their futures complete in that order.
 * Reads are synchronous and reflect at least every write whose future has completed; they may
 * or may not reflect writes still in flight (the core never asks about those).
 *
 * <h2>Threads</h2>
 * Writes and reads are called from one thread (the runtime's loop); futures may complete on
 * any thread. {@link #close()} may be called from any thread.
 *
 * <h2>Indexes</h2>
 * The log holds entries {@link #firstIndex()} to {@link #lastIndex()} inclusive. Entries before
 * {@code firstIndex()} were compacted into the snapshot described by {@link #snapshotMeta()},
 * whose index is {@code firstIndex() - 1}. An empty, new log has {@code firstIndex() == 1} and
 * {@code lastIndex() == 0}.
 *
 * <p>Every implementation must pass the shared contract suite
 * {@code io.raftkit.spi.LogStorageContractTest} in raft-core's test jar.
 */
public interface LogStorage extends AutoCloseable {

    /**
     * Appends entries and, optionally, a new hard state, atomically and durably.
     *
     * <p>The entries must be contiguous and {@code entries.get(0).index()} must be at most
     * {@code lastIndex() + 1} (counting writes still in flight) and greater than the snapshot
     * index. Any existing entries at or after that index are replaced: this is how a follower
     * drops a conflicting suffix (Raft §5.3).
     *
     * @param hardState the hard state to store with the entries, or {@code null} to keep the current one
     * @param entries   the entries, possibly empty (to store only a hard state)
     * @return a future that completes when the write is durable
     */
    CompletableFuture<Void> append(HardState hardState, List<Entry> entries);

    /**
     * Removes every entry with index {@code >= fromIndex}, durably.
     *
     * @param fromIndex the first index to remove; must be greater than the snapshot index
     * @return a future that completes when the removal is durable
     */
    CompletableFuture<Void> truncateSuffix(long fromIndex);

    /**
     * Records a snapshot and compacts the log prefix it covers, durably.
     *
     * <p>Entries up to and including {@code snapshot.index()} are removed. If the log holds an
     * entry at {@code snapshot.index()} with {@code snapshot.term()}, the entries after it are
     * kept (a local compaction); otherwise the whole log is discarded (a snapshot installed from
     * the leader replaces a log that disagrees with it). Afterwards
     * {@code firstIndex() == snapshot.index() + 1}. A snapshot older than the current one is ignored.
     *
     * @return a future that completes when the change is durable
     */
    CompletableFuture<Void> compact(SnapshotMeta snapshot);

    /** Index of the first entry in the log: one past the snapshot index. */
    long firstIndex();

    /** Index of the last entry in the log, or the snapshot index if the log holds no entries. */
    long lastIndex();

    /**
     * The term of the entry at {@code index}.
     *
     * @param index an index in {@code [firstIndex() - 1, lastIndex()]}; {@code firstIndex() - 1}
     *              answers the snapshot's term (0 for an empty, new log)
     * @throws IndexOutOfBoundsException if {@code index} is outside that range
     * @throws LogStorageException if the stored entry is corrupt
     */
    long termAt(long index);

    /**
     * Entries from {@code fromIndex} (inclusive) to {@code toIndex} (exclusive), stopping before
     * the total of {@link Entry#sizeBytes()} exceeds {@code maxBytes}, but always returning at
     * least one entry when the range is not empty.
     *
     * @throws IndexOutOfBoundsException if the range is not within {@code [firstIndex(), lastIndex() + 1]}
     * @throws LogStorageException if a stored entry is corrupt
     */
    List<Entry> entries(long fromIndex, long toIndex, long maxBytes);

    /** The last durable hard state, {@link HardState#EMPTY} for a new node. */
    HardState hardState();

    /** The latest snapshot's metadata, {@link SnapshotMeta#EMPTY} if there is none. */
    SnapshotMeta snapshotMeta();

    /**
     * The latest configuration: the {@link EntryType#CONFIG} entry with the highest index in
     * {@code [firstIndex(), lastIndex()]}, decoded; if there is none, the snapshot's
     * configuration at the snapshot index if there is a snapshot; else {@link ConfigEntry#NONE}.
     *
     * <p>It follows every write as it is accepted (appends that add or replace configuration
     * entries, truncations and compactions that remove them), and after a reopen it is what the
     * durable log says. An implementation keeps it as metadata so that a node can start without
     * reading its log: answering it must not scan the log.
     */
    ConfigEntry latestConfig();

    /**
     * Closes the storage. Writes still queued fail with a {@link LogStorageException}.
     * Idempotent.
     */
    @Override
    void close();
}
