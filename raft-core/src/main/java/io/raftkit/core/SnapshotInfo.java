package io.raftkit.core;

import io.raftkit.spi.SnapshotMeta;
import java.util.Objects;

/**
 * A complete snapshot the host holds and can send: what the leader's core needs to stream it to a
 * follower in chunks (the bytes stay with the host, in its snapshot store).
 *
 * @param meta      its index, term and configuration
 * @param sizeBytes its size
 * @param crc32c    the CRC32C of all its bytes
 */
public record SnapshotInfo(SnapshotMeta meta, long sizeBytes, int crc32c) {

    public SnapshotInfo {
        Objects.requireNonNull(meta, "meta");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0, was " + sizeBytes);
        }
    }

    public long index() {
        return meta.index();
    }
}
