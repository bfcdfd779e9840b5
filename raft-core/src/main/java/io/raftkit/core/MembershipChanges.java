package io.raftkit.core;

import io.raftkit.spi.ClusterConfig;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Derives the configuration entry that moves a configuration towards a {@link ConfigChange}. */
final class MembershipChanges {

    private MembershipChanges() {
    }

    /**
     * The entry to append: the target itself if the voters stay (only learners or addresses
     * change), else the joint configuration of the target's voters with the current ones outgoing.
     * The cluster id is always carried over; addresses of members that stay are kept unless the
     * target names new ones, and addresses of members that leave are dropped.
     */
    static ClusterConfig next(ClusterConfig current, ConfigChange target) {
        boolean votersChange = !current.voters().equals(target.voters());
        Set<String> outgoing = votersChange ? current.voters() : Set.of();
        Map<String, String> addresses = new TreeMap<>(current.addresses());
        addresses.putAll(target.addresses());
        ClusterConfig shape = new ClusterConfig(target.voters(), outgoing, target.learners(), Map.of(), "");
        addresses.keySet().retainAll(shape.members());
        return new ClusterConfig(target.voters(), outgoing, target.learners(), addresses, current.clusterId());
    }
}
