package io.raftkit.memory;

import io.raftkit.spi.LogStorage;
import io.raftkit.spi.LogStorageContractTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The contract on {@link InMemoryLogStorage} in its default mode. Reopening a directory gives
 * what a restarted node would find: the durable state of the storage last opened there.
 */
class InMemoryLogStorageContractTest extends LogStorageContractTest {

    private final Map<Path, InMemoryLogStorage> disks = new HashMap<>();

    @Override
    protected LogStorage open(Path dir) {
        InMemoryLogStorage previous = disks.get(dir);
        InMemoryLogStorage storage = previous == null ? new InMemoryLogStorage() : previous.crash(null);
        disks.put(dir, storage);
        return storage;
    }
}
