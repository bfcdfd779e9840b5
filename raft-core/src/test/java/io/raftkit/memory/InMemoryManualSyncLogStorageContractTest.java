package io.raftkit.memory;

import io.raftkit.spi.LogStorage;
import io.raftkit.spi.LogStorageContractTest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * The contract on {@link InMemoryLogStorage} in manual-sync mode, with a "disk" thread that
 * syncs every millisecond, so futures complete later and on another thread, as with a real disk.
 */
class InMemoryManualSyncLogStorageContractTest extends LogStorageContractTest {

    private final Map<Path, InMemoryLogStorage> disks = new HashMap<>();
    private final ScheduledExecutorService disk = Executors.newSingleThreadScheduledExecutor();

    @Override
    protected synchronized LogStorage open(Path dir) {
        InMemoryLogStorage previous = disks.get(dir);
        InMemoryLogStorage storage = previous == null ? InMemoryLogStorage.manualSync() : previous.crash(null);
        disks.put(dir, storage);
        disk.scheduleWithFixedDelay(storage::sync, 1, 1, TimeUnit.MILLISECONDS);
        return storage;
    }

    @AfterEach
    void stopDisk() {
        disk.shutdownNow();
    }
}
