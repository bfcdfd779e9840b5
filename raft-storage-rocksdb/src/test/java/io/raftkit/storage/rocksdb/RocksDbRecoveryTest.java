package io.raftkit.storage.rocksdb;

import static io.raftkit.storage.rocksdb.StorageFiles.entry;
import static io.raftkit.storage.rocksdb.StorageFiles.flipByte;
import static io.raftkit.storage.rocksdb.StorageFiles.newest;
import static io.raftkit.storage.rocksdb.StorageFiles.withRawDb;
import static io.raftkit.storage.rocksdb.StorageFiles.writeLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up behaviour on damaged data: what is dropped (only a torn final WAL record), and what
 * stops the node (everything else), always naming the index and the directory.
 */
class RocksDbRecoveryTest {

    @TempDir
    Path dir;

    private static void assertIntact(RocksDbLogStorage storage, long from, long to) {
        List<Entry> read = storage.entries(from, to + 1, Long.MAX_VALUE);
        assertThat(read).hasSize((int) (to - from + 1));
        for (Entry e : read) {
            assertThat(e).isEqualTo(entry(e.index(), 1, 100));
        }
    }

    private CorruptLogException refusal() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> RocksDbLogStorage.open(dir).close());
        assertThat(thrown).isInstanceOf(CorruptLogException.class);
        assertThat(thrown.getMessage()).contains(dir.toAbsolutePath().toString());
        return (CorruptLogException) thrown;
    }

    private static byte[] flipped(byte[] value, int position) {
        byte[] copy = value.clone();
        copy[position] ^= 0x01;
        return copy;
    }

    // ---------------------------------------------------------------- values that fail their checksum

    @Test
    void aFlippedBitInAnEntryInTheMiddleStopsStartUpNamingTheIndex() {
        writeLog(dir, 10, 100);
        withRawDb(dir, db -> db.put(KeyLayout.entryKey(5), flipped(db.get(KeyLayout.entryKey(5)), 40)));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(5);
        assertThat(e.getMessage()).contains("entry 5 ").contains("CRC32C mismatch");
    }

    @Test
    void aCorruptLastEntryAlsoStopsStartUpBecauseItMayHaveBeenAcknowledged() {
        writeLog(dir, 10, 100);
        withRawDb(dir, db -> db.put(KeyLayout.entryKey(10), flipped(db.get(KeyLayout.entryKey(10)), 7)));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(10);
        assertThat(e.getMessage()).contains("may have been acknowledged");
    }

    @Test
    void anEntryStoredUnderTheWrongIndexIsCaughtByItsChecksum() {
        writeLog(dir, 10, 100);
        withRawDb(dir, db -> db.put(KeyLayout.entryKey(6), db.get(KeyLayout.entryKey(4))));

        assertThat(refusal().index()).isEqualTo(6);
    }

    @Test
    void aTruncatedValueIsCorrupt() {
        writeLog(dir, 10, 100);
        withRawDb(dir, db -> db.put(KeyLayout.entryKey(3), java.util.Arrays.copyOf(db.get(KeyLayout.entryKey(3)), 6)));

        assertThat(refusal().index()).isEqualTo(3);
    }

    @Test
    void aCorruptHardStateStopsStartUp() {
        writeLog(dir, 3, 100);
        withRawDb(dir, db -> db.put(KeyLayout.HARD_STATE, flipped(db.get(KeyLayout.HARD_STATE), 10)));

        assertThat(refusal().getMessage()).contains("hard state");
    }

    @Test
    void corruptSnapshotMetadataStopsStartUp() {
        try (RocksDbLogStorage s = RocksDbLogStorage.open(dir)) {
            s.append(new HardState(1, null, 3), List.of(entry(1, 1, 100), entry(2, 1, 100), entry(3, 1, 100))).join();
            s.compact(new SnapshotMeta(2, 1, ClusterConfig.of("a"))).join();
        }
        withRawDb(dir, db -> db.put(KeyLayout.SNAPSHOT, flipped(db.get(KeyLayout.SNAPSHOT), 20)));

        assertThat(refusal().getMessage()).contains("snapshot metadata");
    }

    // ---------------------------------------------------------------- a log that contradicts itself

    @Test
    void aMissingEntryInTheMiddleStopsStartUpNamingTheIndex() {
        writeLog(dir, 10, 100);
        withRawDb(dir, db -> db.delete(KeyLayout.entryKey(5)));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(5);
        assertThat(e.getMessage()).contains("entry 5 is missing").contains("next stored entry is 6");
    }

    @Test
    void aHardStateCommittedBeyondTheLogStopsStartUp() {
        writeLog(dir, 10, 100); // commit index 10
        withRawDb(dir, db -> {
            db.delete(KeyLayout.entryKey(9));
            db.delete(KeyLayout.entryKey(10));
        });

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(9);
        assertThat(e.getMessage()).contains("commit index 10 is beyond the last entry 8");
    }

    @Test
    void anEntryTheSnapshotShouldHaveRemovedStopsStartUp() {
        try (RocksDbLogStorage s = RocksDbLogStorage.open(dir)) {
            s.append(new HardState(1, null, 4), LongStream.rangeClosed(1, 6).mapToObj(i -> entry(i, 1, 100)).toList()).join();
            s.compact(new SnapshotMeta(4, 1, ClusterConfig.of("a"))).join();
        }
        withRawDb(dir, db -> db.put(KeyLayout.entryKey(3), ValueCodec.encodeEntry(entry(3, 1, 100))));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(3);
        assertThat(e.getMessage()).contains("snapshot at index 4");
    }

    @Test
    void aDatabaseThatIsNotARaftkitLogIsRefused() {
        withRawDbCreating(dir);
        assertThatThrownBy(() -> RocksDbLogStorage.open(dir))
                .isInstanceOf(LogStorageException.class)
                .hasMessageContaining("not a raftkit log")
                .hasMessageContaining(dir.toString());
    }

    private static void withRawDbCreating(Path dir) {
        org.rocksdb.RocksDB.loadLibrary();
        try (org.rocksdb.Options o = new org.rocksdb.Options().setCreateIfMissing(true);
             org.rocksdb.RocksDB db = org.rocksdb.RocksDB.open(o, dir.toString())) {
            db.put("some".getBytes(), "thing".getBytes());
        } catch (org.rocksdb.RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- damaged files

    @Test
    void aTornFinalWalRecordIsDroppedAndEverythingBeforeItIsIntact() {
        writeLog(dir, 50, 100);
        Path wal = newest(dir, ".log");
        StorageFiles.truncateBy(wal, 30); // cuts into the record of entry 50 and the hard state

        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir)) {
            assertThat(storage.lastIndex()).isEqualTo(49);
            assertThat(storage.hardState()).isEqualTo(HardState.EMPTY); // it was in the torn record
            assertIntact(storage, 1, 49);
        }
    }

    @Test
    void aFlippedByteInTheMiddleOfTheWalStopsStartUp() {
        writeLog(dir, 50, 100);
        Path wal = newest(dir, ".log");
        flipByte(wal, StorageFiles.size(wal) / 2);

        assertThat(refusal().getMessage()).contains("corruption").contains("restore this node from a replica");
    }

    @Test
    void aFlippedByteInTheFinalWalRecordStopsStartUp() {
        // a whole final record with a bad checksum was written completely, so its sync may have
        // returned: unlike a torn record it cannot be assumed unacknowledged
        writeLog(dir, 50, 100);
        Path wal = newest(dir, ".log");
        flipByte(wal, StorageFiles.size(wal) - 20);

        refusal();
    }

    @Test
    void aFlippedByteInATableFileIsDetectedAtStartUp() {
        writeLog(dir, 300, 1000);
        StorageFiles.flush(dir);
        Path table = newest(dir, ".sst");
        flipByte(table, StorageFiles.size(table) / 3);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> RocksDbLogStorage.open(dir).close());
        assertThat(thrown).isInstanceOf(CorruptLogException.class).hasMessageContaining(dir.toString());
    }

    @Test
    void aTruncatedTableFileStopsStartUp() {
        writeLog(dir, 300, 1000);
        StorageFiles.flush(dir);
        Path table = newest(dir, ".sst");
        StorageFiles.truncateBy(table, StorageFiles.size(table) / 2);

        assertThatThrownBy(() -> RocksDbLogStorage.open(dir).close())
                .isInstanceOf(LogStorageException.class)
                .hasMessageContaining(dir.toString());
    }

    // ---------------------------------------------------------------- reads never serve corrupt data

    @Test
    void aReadThatMeetsACorruptValueFailsInsteadOfReturningIt() {
        writeLog(dir, 10, 100);
        withRawDb(dir, db -> {
            db.put(KeyLayout.entryKey(7), flipped(db.get(KeyLayout.entryKey(7)), 30));
            EntryReader reader = new EntryReader(db, dir);

            assertThat(reader.read(1, 7, Long.MAX_VALUE)).hasSize(6);
            assertThatThrownBy(() -> reader.read(5, 9, Long.MAX_VALUE))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("entry 7 ")
                    .hasMessageContaining(dir.toString());
            db.delete(KeyLayout.entryKey(8));
            assertThatThrownBy(() -> reader.read(8, 10, Long.MAX_VALUE))
                    .isInstanceOf(CorruptLogException.class)
                    .hasMessageContaining("entry 8 is missing");
        });
    }
}
