package io.raftkit.storage.rocksdb;

import io.raftkit.spi.LogStorage;
import io.raftkit.spi.LogStorageContractTest;
import java.nio.file.Path;

/** The shared {@link LogStorage} contract on RocksDB, with the default configuration. */
class RocksDbLogStorageContractTest extends LogStorageContractTest {

    @Override
    protected LogStorage open(Path dir) {
        return RocksDbLogStorage.open(dir);
    }
}
