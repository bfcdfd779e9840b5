package io.raftkit.snapshot;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A snapshot file that {@link FileSnapshotStore} found when it opened but could not use.
 *
 * @param file   the file, left in place for inspection
 * @param index  the index its name claims, which its contents could not confirm
 * @param reason why it was rejected
 */
public record RejectedSnapshot(Path file, long index, String reason) {

    public RejectedSnapshot {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }
}
