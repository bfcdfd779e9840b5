package io.raftkit.spi;

import java.util.Objects;

/**
 * Describes a snapshot: the last log entry it covers and the cluster configuration at that entry.
 *
 * @param index  index of the last entry included in the snapshot (0 for none)
 * @param term   term of that entry
 * @param config the configuration in force at {@code index}
 */
public record SnapshotMeta(long index, long term, ClusterConfig config) {

    /** No snapshot: the log starts at index 1. */
    public static final SnapshotMeta EMPTY = new SnapshotMeta(0, 0, ClusterConfig.EMPTY);

    public SnapshotMeta {
        if (index < 0 || term < 0) {
            throw new IllegalArgumentException("index and term must be >= 0: " + index + ", " + term);
        }
        Objects.requireNonNull(config, "config");
    }
}
