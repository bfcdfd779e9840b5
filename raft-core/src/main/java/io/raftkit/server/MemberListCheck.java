package io.raftkit.server;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.LogStorage;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses to restart a node whose builder names other members than its stored configuration.
 * The builder's members found the cluster at the first start only; afterwards the stored
 * configuration is the truth, and a different list (a typo, a node started on another
 * cluster's data directory) would otherwise be ignored without a word.
 */
final class MemberListCheck {

    private MemberListCheck() {
    }

    /**
     * Checks {@code given} against the configuration stored in {@code storage}, if any. The
     * order of the members does not matter.
     *
     * @throws IllegalStateException if the storage holds a configuration with other members
     */
    static void verify(String nodeId, LogStorage storage, Set<String> given) {
        ConfigEntry stored = storage.latestConfig();
        if (stored.equals(ConfigEntry.NONE)) {
            return; // a new node: the given members found the cluster
        }
        ClusterConfig config = stored.config();
        if (config.voters().equals(given)
                || (config.isJoint() && config.outgoingVoters().equals(given))) {
            return;
        }
        String storedText = config.isJoint()
                ? config.voters() + " (joining from " + config.outgoingVoters() + ")"
                : config.voters().toString();
        throw new IllegalStateException("node " + nodeId + " cannot start: its log storage holds the cluster members "
                + storedText + " (configuration at index " + stored.index() + "), but it was started with "
                + new TreeSet<>(given) + ". Start it with the stored members, or wipe its data directory to "
                + "found a new cluster with the given ones");
    }
}
