package io.raftkit.storage.rocksdb;

import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.rocksdb.PerfContext;
import org.rocksdb.PerfLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up checks: rebuilds the {@link LogState} from disk and refuses to start on anything
 * that could mean lost or damaged acknowledged data.
 *
 * <p>What is tolerated, and why it is safe: a torn final WAL record is dropped by RocksDB (see
 * {@link RocksDbHandle}); that batch's sync never returned, so nothing in it was acknowledged.
 * A value that fails its checksum is different: batches are atomic, so it was written whole by
 * a batch that may well have been synced and acknowledged, and dropping it (even at the tail,
 * even above the commit index) could lose an entry this node's vote helped commit. So every
 * checksum failure, missing entry, or hard state that the log contradicts stops the node here,
 * with the index and the directory in the message.
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    static final byte[] FORMAT_MARKER = "raftkit-log-v1".getBytes(StandardCharsets.US_ASCII);

    private final RocksDbHandle handle;
    private final Path dir;
    private long entriesRead;

    private LogRecovery(RocksDbHandle handle) {
        this.handle = handle;
        this.dir = handle.dir;
    }

    /** The recovered state and what recovering it read. */
    record Result(LogState state, RecoveryStats stats) {
    }

    static Result recover(RocksDbHandle handle) {
        // RocksDB's perf context is per thread: count what this thread reads, then stop counting
        handle.db.setPerfLevel(PerfLevel.ENABLE_COUNT);
        handle.db.getPerfContext().reset();
        try {
            LogRecovery recovery = new LogRecovery(handle);
            LogState state = recovery.recover();
            PerfContext perf = handle.db.getPerfContext();
            return new Result(state, new RecoveryStats(recovery.entriesRead,
                    perf.getInternalKeySkippedCount() + perf.getInternalDeleteSkippedCount(), perf.getBlockReadByte()));
        } finally {
            handle.db.setPerfLevel(PerfLevel.DISABLE);
        }
    }

    private LogState recover() {
        try {
            if (!checkFormat()) {
                return new LogState(SnapshotMeta.EMPTY, HardState.EMPTY);
            }
            HardState hardState = readHardState();
            SnapshotMeta snapshot = readSnapshot();
            LogState state = new LogState(snapshot, hardState);
            TreeMap<Long, ClusterConfig> configKeys = readConfigKeys();
            List<Entry> unindexed = new ArrayList<>();
            checkNothingBeforeTheLog(state);
            scanEntries(state, configKeys, unindexed);
            if (!configKeys.isEmpty()) {
                long index = configKeys.firstKey();
                throw new CorruptLogException(dir, index, "refusing to start: log storage directory " + dir
                        + " has a configuration key for index " + index + " but no configuration entry there");
            }
            addConfigKeys(unindexed);
            if (hardState.commit() > state.lastIndex()) {
                throw new CorruptLogException(dir, state.lastIndex() + 1, "refusing to start: the hard state's commit "
                        + "index " + hardState.commit() + " is beyond the last entry " + state.lastIndex()
                        + " in log storage directory " + dir + "; committed entries " + (state.lastIndex() + 1)
                        + ".." + hardState.commit() + " are missing");
            }
            return state;
        } catch (RocksDBException e) {
            if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption) {
                throw new CorruptLogException(dir, CorruptLogException.NO_INDEX, "refusing to start: RocksDB found "
                        + "corruption reading log storage directory " + dir + ": " + e.getMessage(), e);
            }
            throw new LogStorageException("cannot read log storage directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private void recoverConfig(LogState state, Entry entry, TreeMap<Long, ClusterConfig> configKeys,
                               List<Entry> unindexed) throws ValueCodec.CorruptValueException {
        long index = entry.index();
        ClusterConfig keyed = configKeys.remove(index);
        if (entry.type() != EntryType.CONFIG) {
            if (keyed != null) {
                throw new CorruptLogException(dir, index, "refusing to start: log storage directory " + dir
                        + " has a configuration key for index " + index + " but the entry there is a "
                        + entry.type());
            }
            return;
        }
        ClusterConfig config;
        try {
            config = ClusterConfig.decode(entry.data());
        } catch (IllegalArgumentException e) {
            throw new ValueCodec.CorruptValueException("bad configuration: " + e.getMessage());
        }
        if (keyed == null) {
            unindexed.add(entry);
        } else if (!keyed.equals(config)) {
            throw new CorruptLogException(dir, index, "refusing to start: the configuration key of entry " + index
                    + " in log storage directory " + dir + " says " + keyed + " but the entry says " + config);
        }
        state.recoverConfig(index, config);
    }

    /** Returns false for a new, empty directory (after marking it), true for an existing log. */
    private boolean checkFormat() throws RocksDBException {
        byte[] marker = handle.db.get(KeyLayout.FORMAT);
        if (marker != null) {
            if (!Arrays.equals(marker, FORMAT_MARKER)) {
                throw new LogStorageException("refusing to start: log storage directory " + dir + " has format '"
                        + new String(marker, StandardCharsets.US_ASCII) + "', this version reads '"
                        + new String(FORMAT_MARKER, StandardCharsets.US_ASCII) + "'");
            }
            return true;
        }
        try (RocksIterator it = handle.db.newIterator()) {
            it.seekToFirst();
            if (it.isValid()) {
                throw new LogStorageException("refusing to start: " + dir + " holds a RocksDB database that is not a "
                        + "raftkit log (it has no format marker)");
            }
            it.status();
        }
        handle.db.put(handle.writeOptions, KeyLayout.FORMAT, FORMAT_MARKER);
        return false;
    }

    private HardState readHardState() throws RocksDBException {
        byte[] value = handle.db.get(KeyLayout.HARD_STATE);
        if (value == null) {
            return HardState.EMPTY;
        }
        try {
            return ValueCodec.decodeHardState(value);
        } catch (ValueCodec.CorruptValueException e) {
            throw new CorruptLogException(dir, CorruptLogException.NO_INDEX, "refusing to start: the hard state "
                    + "(term, vote, commit) in log storage directory " + dir + " is corrupt: " + e.getMessage());
        }
    }

    private SnapshotMeta readSnapshot() throws RocksDBException {
        byte[] value = handle.db.get(KeyLayout.SNAPSHOT);
        if (value == null) {
            return SnapshotMeta.EMPTY;
        }
        try {
            return ValueCodec.decodeSnapshot(value);
        } catch (ValueCodec.CorruptValueException e) {
            throw new CorruptLogException(dir, CorruptLogException.NO_INDEX, "refusing to start: the snapshot "
                    + "metadata in log storage directory " + dir + " is corrupt: " + e.getMessage());
        }
    }

    /** Reads the configuration keys, which are few: one per configuration entry. */
    private TreeMap<Long, ClusterConfig> readConfigKeys() throws RocksDBException {
        TreeMap<Long, ClusterConfig> configs = new TreeMap<>();
        try (Slice lower = new Slice(KeyLayout.configKey(0));
             Slice upper = new Slice(KeyLayout.CONFIGS_END);
             ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
             RocksIterator it = handle.db.newIterator(options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyLayout.isConfigKey(key)) {
                    throw new CorruptLogException(dir, CorruptLogException.NO_INDEX, "refusing to start: log storage "
                            + "directory " + dir + " holds an unknown key of " + key.length + " bytes among the "
                            + "configuration keys");
                }
                long index = KeyLayout.indexOf(key);
                try {
                    configs.put(index, ValueCodec.decodeConfig(index, it.value()));
                } catch (ValueCodec.CorruptValueException e) {
                    throw new CorruptLogException(dir, index, "refusing to start: the configuration key of entry "
                            + index + " in log storage directory " + dir + " is corrupt: " + e.getMessage());
                }
            }
            it.status();
        }
        return configs;
    }

    /**
     * Gives configuration entries written before configuration keys existed their keys, in one
     * synced batch, so that the storage can answer the latest configuration without a scan.
     */
    private void addConfigKeys(List<Entry> entries) throws RocksDBException {
        if (entries.isEmpty()) {
            return;
        }
        try (WriteBatch batch = new WriteBatch()) {
            for (Entry e : entries) {
                batch.put(KeyLayout.configKey(e.index()), ValueCodec.encodeConfig(e.index(), e.data()));
            }
            handle.db.write(handle.writeOptions, batch);
        }
        LOG.info("log storage {}: added the configuration keys of {} configuration entries written by an earlier "
                + "version", dir, entries.size());
    }

    /**
     * Checks that no entry survives below the log's first index: one the snapshot should have
     * removed means the log and its snapshot metadata disagree. Compaction removes the prefix
     * with range tombstones, which the seek jumps over rather than stepping over every deleted
     * key; once the background reclaim has compacted the prefix away this costs a few block reads.
     */
    private void checkNothingBeforeTheLog(LogState state) throws RocksDBException {
        try (Slice lower = new Slice(KeyLayout.entryKey(0));
             Slice upper = new Slice(KeyLayout.entryKey(state.firstIndex()));
             ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)
                     .setFillCache(false);
             RocksIterator it = handle.db.newIterator(options)) {
            it.seekToFirst();
            if (it.isValid()) {
                long index = KeyLayout.indexOf(it.key());
                throw new CorruptLogException(dir, index, "refusing to start: entry " + index + " in log storage "
                        + "directory " + dir + " should have been removed by the snapshot at index "
                        + state.snapshot().index() + "; the log and its snapshot metadata disagree");
            }
            it.status();
        }
    }

    /**
     * Reads every entry of the log once, from the first index after the snapshot (never the
     * compacted prefix): checksums, contiguity, the term runs, and that each configuration entry
     * matches its configuration key ({@code configKeys} loses the keys matched; entries without a
     * key are added to {@code unindexed}).
     */
    private void scanEntries(LogState state, TreeMap<Long, ClusterConfig> configKeys, List<Entry> unindexed)
            throws RocksDBException {
        long expected = state.firstIndex();
        try (Slice lower = new Slice(KeyLayout.entryKey(expected));
             Slice upper = new Slice(KeyLayout.ENTRIES_END);
             ReadOptions options = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper)
                     .setFillCache(false).setReadaheadSize(2 * 1024 * 1024);
             RocksIterator it = handle.db.newIterator(options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                if (!KeyLayout.isEntryKey(key)) {
                    throw new CorruptLogException(dir, CorruptLogException.NO_INDEX, "refusing to start: log storage "
                            + "directory " + dir + " holds an unknown key of " + key.length + " bytes among the entries");
                }
                long index = KeyLayout.indexOf(key);
                if (index != expected) {
                    throw new CorruptLogException(dir, expected, "refusing to start: entry " + expected + " is missing "
                            + "from log storage directory " + dir + " (entries " + state.firstIndex() + ".."
                            + (expected - 1) + " are present, the next stored entry is " + index + ")");
                }
                try {
                    Entry entry = ValueCodec.decodeEntry(index, it.value());
                    entriesRead++;
                    state.recoverEntry(index, entry.term());
                    recoverConfig(state, entry, configKeys, unindexed);
                } catch (ValueCodec.CorruptValueException e) {
                    throw new CorruptLogException(dir, index, "refusing to start: entry " + index + " in log storage "
                            + "directory " + dir + " is corrupt: " + e.getMessage() + ". It was written whole by a "
                            + "batch that may have been acknowledged, so it is not dropped; restore this node from "
                            + "a replica");
                }
                expected++;
            }
            it.status();
        }
    }
}
