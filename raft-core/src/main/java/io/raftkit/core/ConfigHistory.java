package io.raftkit.core;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration entries of the log that may still matter: the newest one known committed and
 * every one after it. The last is in force (a configuration takes effect when it is appended,
 * thesis §4.1); truncating it away puts the one before it back in force. Configuration entries
 * before the newest committed one can never come back, so they are forgotten.
 */
final class ConfigHistory {

    private final TreeMap<Long, ClusterConfig> entries = new TreeMap<>();
    private Set<String> knownMembers = Set.of();

    /** Starts with the given entries (index to configuration), none for a node that knows nothing. */
    ConfigHistory(Map<Long, ClusterConfig> initial) {
        entries.putAll(initial);
        recompute();
    }

    /** The configuration in force, or {@link ConfigEntry#NONE}. */
    ConfigEntry current() {
        var last = entries.lastEntry();
        return last == null ? ConfigEntry.NONE : new ConfigEntry(last.getKey(), last.getValue());
    }

    /** Entries from {@code index} on were replaced (or appended): forget the configurations among them. */
    void truncateFrom(long index) {
        if (!entries.tailMap(index, true).isEmpty()) {
            entries.tailMap(index, true).clear();
            recompute();
        }
    }

    void add(long index, ClusterConfig config) {
        entries.put(index, config);
        recompute();
    }

    /** A snapshot replaced the log: its configuration is the only one. */
    void reset(long index, ClusterConfig config) {
        entries.clear();
        entries.put(index, config);
        recompute();
    }

    /** Entries up to {@code committed} are committed: drop the configurations they made obsolete. */
    void committedTo(long committed) {
        Long newestCommitted = entries.floorKey(committed);
        if (newestCommitted != null && !entries.headMap(newestCommitted, false).isEmpty()) {
            entries.headMap(newestCommitted, false).clear();
            recompute();
        }
    }

    /** Whether {@code id} votes in any configuration remembered (the newest committed one or a later one). */
    boolean isVoterInAny(String id) {
        for (ClusterConfig c : entries.values()) {
            if (c.isVoter(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Every member of a configuration still remembered: a leader that is leaving, or a member
     * being removed, may still send until the configuration without it is known committed.
     */
    Set<String> knownMembers() {
        return knownMembers;
    }

    private void recompute() {
        Set<String> all = new TreeSet<>();
        for (ClusterConfig c : entries.values()) {
            all.addAll(c.members());
        }
        knownMembers = Collections.unmodifiableSet(all);
    }
}
