package io.raftkit.server;

import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.LogStorageContractTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The runtime's entry cache keeps the whole LogStorage contract (a tiny cache, so both paths run). */
class CachingLogStorageContractTest extends LogStorageContractTest {

    private final Map<Path, InMemoryLogStorage> disks = new HashMap<>();

    @Override
    protected LogStorage open(Path dir) {
        InMemoryLogStorage previous = disks.get(dir);
        InMemoryLogStorage storage = previous == null ? new InMemoryLogStorage() : previous.crash(null);
        disks.put(dir, storage);
        return new CachingLogStorage(storage, 8, 4096);
    }
}
