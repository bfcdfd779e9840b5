package io.raftkit.storage.rocksdb;

import static io.raftkit.storage.rocksdb.StorageFiles.entry;
import static io.raftkit.storage.rocksdb.StorageFiles.withRawDb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration keys behind {@code latestConfig()}: checked against the configuration
 * entries by the recovery scan, and added for entries written before they existed.
 */
class RocksDbConfigKeysTest {

    private static final ClusterConfig FIRST = ClusterConfig.of("n1", "n2", "n3");
    private static final ClusterConfig SECOND = ClusterConfig.of("n1", "n2", "n4");

    @TempDir
    Path dir;

    /** Entries 1..10 with configurations at 1 and 6. */
    private void writeLog() {
        List<Entry> log = new ArrayList<>();
        for (long i = 1; i <= 10; i++) {
            log.add(i == 1 ? Entry.config(1, 1, FIRST) : i == 6 ? Entry.config(6, 1, SECOND) : entry(i, 1, 100));
        }
        try (RocksDbLogStorage s = RocksDbLogStorage.open(dir)) {
            s.append(null, log).join();
        }
    }

    private CorruptLogException refusal() {
        Throwable thrown = catchThrowable(() -> RocksDbLogStorage.open(dir).close());
        assertThat(thrown).isInstanceOf(CorruptLogException.class);
        assertThat(thrown.getMessage()).contains(dir.toAbsolutePath().toString());
        return (CorruptLogException) thrown;
    }

    @Test
    void eachConfigurationEntryHasAKeyRemovedWithIt() {
        writeLog();
        withRawDb(dir, db -> {
            assertThat(db.get(KeyLayout.configKey(1))).isNotNull();
            assertThat(db.get(KeyLayout.configKey(6))).isNotNull();
            assertThat(db.get(KeyLayout.configKey(5))).isNull();
        });
        try (RocksDbLogStorage s = RocksDbLogStorage.open(dir)) {
            s.truncateSuffix(4).join();
        }
        withRawDb(dir, db -> assertThat(db.get(KeyLayout.configKey(6))).isNull());
    }

    @Test
    void configurationEntriesWithoutKeysGetThemAtStartUp() {
        writeLog();
        withRawDb(dir, db -> {
            db.delete(KeyLayout.configKey(1));
            db.delete(KeyLayout.configKey(6));
        });
        try (RocksDbLogStorage s = RocksDbLogStorage.open(dir)) {
            assertThat(s.latestConfig()).isEqualTo(new ConfigEntry(6, SECOND));
        }
        withRawDb(dir, db -> assertThat(db.get(KeyLayout.configKey(6))).isNotNull());
    }

    @Test
    void aKeyWithoutAConfigurationEntryStopsStartUp() {
        writeLog();
        withRawDb(dir, db -> db.put(KeyLayout.configKey(4), ValueCodec.encodeConfig(4, FIRST.encode())));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(4);
        assertThat(e.getMessage()).contains("configuration key for index 4");
    }

    @Test
    void aKeyBeyondTheLogStopsStartUp() {
        writeLog();
        withRawDb(dir, db -> db.put(KeyLayout.configKey(20), ValueCodec.encodeConfig(20, FIRST.encode())));

        assertThat(refusal().index()).isEqualTo(20);
    }

    @Test
    void aKeyThatDisagreesWithItsEntryStopsStartUp() {
        writeLog();
        withRawDb(dir, db -> db.put(KeyLayout.configKey(6), ValueCodec.encodeConfig(6, FIRST.encode())));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(6);
        assertThat(e.getMessage()).contains("the entry says");
    }

    @Test
    void aCorruptKeyStopsStartUp() {
        writeLog();
        withRawDb(dir, db -> db.put(KeyLayout.configKey(6), ValueCodec.encodeConfig(5, SECOND.encode())));

        CorruptLogException e = refusal();
        assertThat(e.index()).isEqualTo(6);
        assertThat(e.getMessage()).contains("CRC32C mismatch");
    }
}
