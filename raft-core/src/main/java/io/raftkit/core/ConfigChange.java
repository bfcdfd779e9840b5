package io.raftkit.core;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration a membership change should reach (not a delta): see
 * {@link RaftNode#proposeConfigChange(ConfigChange)}.
 *
 * @param voters    the voters after the change; at least one
 * @param learners  the learners after the change; disjoint from {@code voters}
 * @param addresses member id to Raft address ({@code "host:port"}), opaque to the core; may lack entries
 */
public record ConfigChange(Set<String> voters, Set<String> learners, Map<String, String> addresses) {

    public ConfigChange {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        addresses = Collections.unmodifiableMap(new TreeMap<>(addresses));
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a configuration needs at least one voter");
        }
        for (String l : learners) {
            if (voters.contains(l)) {
                throw new IllegalArgumentException("member " + l + " is named twice: as a voter and as a learner");
            }
        }
    }

    /** A target of the given voters and learners, without addresses. */
    public static ConfigChange of(Set<String> voters, Set<String> learners) {
        return new ConfigChange(voters, learners, Map.of());
    }
}
