package io.raftkit.snapshot;

import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.SnapshotStoreContractTest;
import java.io.IOException;
import java.nio.file.Path;

/** The snapshot store contract on {@link FileSnapshotStore}. */
class FileSnapshotStoreContractTest extends SnapshotStoreContractTest {

    @Override
    protected SnapshotStore open(Path dir) throws IOException {
        return FileSnapshotStore.open(dir);
    }
}
