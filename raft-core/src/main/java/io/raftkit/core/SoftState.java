package io.raftkit.core;

import io.raftkit.spi.ConfigEntry;
import java.util.Objects;

/**
 * What observers want to know about a node that need not be persisted.
 *
 * @param role     the node's role
 * @param leaderId the leader it knows for {@code term}, or null
 * @param term     the current term
 * @param config   the configuration in force and the index of the entry (or snapshot) it comes
 *                 from; it changes when a configuration entry is appended, when one is truncated
 *                 away (the previous one is back in force) and when a snapshot is installed
 */
public record SoftState(Role role, String leaderId, long term, ConfigEntry config) {

    public SoftState {
        Objects.requireNonNull(config, "config");
    }

    /** A soft state that says nothing about the configuration ({@link ConfigEntry#NONE}), for tests. */
    public SoftState(Role role, String leaderId, long term) {
        this(role, leaderId, term, ConfigEntry.NONE);
    }
}
