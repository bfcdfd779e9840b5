package io.raftkit.spi;

import java.util.Objects;

/**
 * Where the configuration in force comes from: the last {@link EntryType#CONFIG} entry of the
 * log, or, if the log holds none, the snapshot's configuration at the snapshot index.
 *
 * @param index  the index of that entry (or of the snapshot); 0 for {@link #NONE}
 * @param config the configuration
 */
public record ConfigEntry(long index, ClusterConfig config) {

    /** No configuration: an empty log without a snapshot. */
    public static final ConfigEntry NONE = new ConfigEntry(0, ClusterConfig.EMPTY);

    public ConfigEntry {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        Objects.requireNonNull(config, "config");
    }
}
