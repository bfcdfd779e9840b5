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
 *
 * <p>Once membership has changed, the builder may name either the current members or, unchanged,
 * the founding ones (an operator's start script): a stored cluster id derived from the cluster
 * name and the given list shows they are the founding members. It may also name every stored
 * voter and more: members added while this node was down, which it must be able to reach (one
 * of them may lead now) although its log does not name them yet. A node started to join
 * ({@code join}) with an empty log has nothing to check; restarted, its stored cluster id must be
 * the one it was told to join.
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
        verify(nodeId, storage, given, null, null);
    }

    /**
     * As {@link #verify(String, LogStorage, Set)}, knowing the cluster name (to recognise the
     * founding list by the stored cluster id) and the cluster id a joining node was given, if any.
     *
     * @throws IllegalStateException if the storage holds a configuration with other members, or
     *                               another cluster id than the one to join
     */
    static void verify(String nodeId, LogStorage storage, Set<String> given, String clusterName, String joinId) {
        ConfigEntry stored = storage.latestConfig();
        if (stored.equals(ConfigEntry.NONE)) {
            return; // a new node: the given members found the cluster (or are the ones it joins)
        }
        ClusterConfig config = stored.config();
        String storedId = config.clusterId();
        if (joinId != null && !storedId.isEmpty() && !storedId.equals(joinId)) {
            throw new IllegalStateException("node " + nodeId + " cannot start: it was told to join cluster " + joinId
                    + ", but its log storage belongs to cluster " + storedId + " (configuration at index "
                    + stored.index() + "). Start it with --join " + storedId + " or wipe its data directory");
        }
        if (joinId != null && !storedId.isEmpty()) {
            return; // a node that joined restarts: the stored configuration is the truth
        }
        if (config.voters().equals(given)
                || (config.isJoint() && config.outgoingVoters().equals(given))
                // the current members, or those and members added while this node was down
                || (!storedId.isEmpty() && given.containsAll(config.voters()))
                || (!storedId.isEmpty() && clusterName != null && !given.isEmpty()
                        && io.raftkit.spi.ClusterId.derive(clusterName, given).equals(storedId))) {
            return;
        }
        String storedText = (config.isJoint()
                ? config.voters() + " (joining from " + config.outgoingVoters() + ")"
                : config.voters().toString())
                + (config.learners().isEmpty() ? "" : " and the learners " + config.learners());
        throw new IllegalStateException("node " + nodeId + " cannot start: its log storage holds the cluster members "
                + storedText + " (configuration at index " + stored.index() + "), but it was started with "
                + new TreeSet<>(given) + ". Start it with the stored members, or wipe its data directory to found a new cluster"
                + " with the given ones" + (storedId.isEmpty() ? ""
                : " (the founding members of cluster " + storedId + " are accepted too)"));
    }
}
