package io.raftkit.memory;

import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.SnapshotStoreContractTest;
import java.nio.file.Path;

/** The snapshot store contract on {@link InMemorySnapshotStore} (which ignores the directory). */
class InMemorySnapshotStoreContractTest extends SnapshotStoreContractTest {

    @Override
    protected SnapshotStore open(Path dir) {
        return new InMemorySnapshotStore();
    }
}
