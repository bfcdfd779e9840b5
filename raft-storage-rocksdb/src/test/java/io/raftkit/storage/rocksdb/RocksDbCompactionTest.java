package io.raftkit.storage.rocksdb;

import static io.raftkit.storage.rocksdb.StorageFiles.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a snapshot, the compacted prefix costs nothing: start-up reads only the log after the
 * snapshot, and the disk space comes back.
 */
class RocksDbCompactionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int ENTRIES = 100_000;
    private static final int ENTRY_BYTES = 100;
    private static final long SNAPSHOT = 99_000;

    @TempDir
    Path dir;

    /** Small memtables so the log is in table files, as a long-running node's is; syncs off for speed. */
    private static RocksDbLogStorageConfig config(boolean reclaim) {
        return RocksDbLogStorageConfig.defaults().withSync(false).withWriteBufferBytes(1024 * 1024)
                .withReclaimSpaceOnCompact(reclaim);
    }

    private static void writeLog(RocksDbLogStorage storage) {
        for (long i = 1; i <= ENTRIES; i += 1000) {
            List<Entry> batch = LongStream.range(i, i + 1000).mapToObj(j -> entry(j, 1, ENTRY_BYTES)).toList();
            storage.append(i + 999 == ENTRIES ? new HardState(1, "n1", ENTRIES) : null, batch).join();
        }
    }

    /**
     * The prefix goes in many compactions, some short (as with small snapshot thresholds), and the
     * background reclaim is off, as after a crash before it ran: the deleted entries are still in
     * the table files, under their tombstones.
     */
    @Test
    void startUpReadsOnlyTheLogAfterTheSnapshot() {
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(false))) {
            writeLog(storage);
            for (long index = 20; index <= 2_000; index += 20) {
                storage.compact(new SnapshotMeta(index, 1, ClusterConfig.of("n1"))).join();
            }
            for (long index = 3_000; index <= SNAPSHOT; index += 1_000) {
                storage.compact(new SnapshotMeta(index, 1, ClusterConfig.of("n1"))).join();
            }
        }

        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(false))) {
            RecoveryStats stats = storage.recoveryStats();
            long suffix = ENTRIES - SNAPSHOT;
            assertThat(stats.entriesRead()).as("entries decoded at start-up").isEqualTo(suffix);
            assertThat(stats.internalKeysSkipped()).as("deleted keys stepped over at start-up: " + stats)
                    .isLessThanOrEqualTo(suffix + 100);
            assertThat(storage.firstIndex()).isEqualTo(SNAPSHOT + 1);
            assertThat(storage.lastIndex()).isEqualTo(ENTRIES);
            assertThat(storage.entries(SNAPSHOT + 1, ENTRIES + 1, Long.MAX_VALUE)).hasSize((int) suffix);
        }
    }

    @Test
    void compactingAHundredThousandEntriesGivesTheirDiskSpaceBack() {
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(true))) {
            writeLog(storage);
            await().atMost(TIMEOUT).until(() -> tableBytes() > ENTRIES * ENTRY_BYTES / 2);
            long before = tableBytes();

            storage.compact(new SnapshotMeta(SNAPSHOT, 1, ClusterConfig.of("n1"))).join();

            // what is left is the 1,000-entry suffix, about 1% of the log
            await().atMost(TIMEOUT).until(() -> tableBytes() < before / 10);
            assertThat(storage.entries(SNAPSHOT + 1, ENTRIES + 1, Long.MAX_VALUE)).hasSize(ENTRIES - (int) SNAPSHOT);
        }
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(true))) {
            RecoveryStats stats = storage.recoveryStats();
            assertThat(stats.entriesRead()).isEqualTo(ENTRIES - SNAPSHOT);
            // the suffix's own blocks, and a few more for the check below the first index
            assertThat(stats.blockBytesRead()).as(stats.toString()).isLessThan((ENTRIES - SNAPSHOT) * ENTRY_BYTES * 3);
        }
    }

    @Test
    void aCrashBeforeTheReclaimRanIsMadeUpForAtTheNextStart() {
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(false))) {
            writeLog(storage);
        }
        // the log settled in the bottom level, as on a node that ran for a while: RocksDB's own
        // compactions, triggered by new files, will not come back to it soon
        StorageFiles.withRawDb(dir, db -> db.compactRange());
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(false))) {
            storage.compact(new SnapshotMeta(SNAPSHOT, 1, ClusterConfig.of("n1"))).join();
        }
        StorageFiles.flush(dir);
        long before = tableBytes();
        assertThat(before).as("the prefix is still on disk").isGreaterThan(ENTRIES * ENTRY_BYTES / 2);

        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, config(true))) {
            await().atMost(TIMEOUT).until(() -> tableBytes() < before / 10);
            assertThat(storage.entries(SNAPSHOT + 1, ENTRIES + 1, Long.MAX_VALUE)).hasSize(ENTRIES - (int) SNAPSHOT);
        }
    }

    private long tableBytes() {
        return StorageFiles.files(dir, ".sst").stream().mapToLong(StorageFiles::size).sum();
    }
}
