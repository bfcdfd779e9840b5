package io.raftkit.sim;

import io.raftkit.spi.ClusterConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The membership properties, beside {@link SafetyChecker} (which checks one leader per term over
 * the whole history, whatever the configurations):
 * <ul>
 *   <li>every committed configuration's quorums intersect those of the committed configuration
 *       before it: the two share a voter set (a majority of each half is needed), so a change of
 *       voters must go through a joint configuration;</li>
 *   <li>a node whose removal has committed never wins an election again (of the term of the
 *       entry that removed it or a later one).</li>
 * </ul>
 */
final class MembershipChecker {

    private final long seed;
    private final long steps;
    private long step;
    /** Per node: the configuration of the last configuration entry it applied (or snapshot it restored). */
    private final Map<String, ClusterConfig> applied = new HashMap<>();
    /** Removed nodes, with the term of the entry whose commit removed them. */
    private final Map<String, Long> removed = new HashMap<>();
    /** Every committed configuration entry seen applied, by index. */
    private final java.util.TreeMap<Long, ClusterConfig> committed = new java.util.TreeMap<>();
    private long transitions;

    MembershipChecker(long seed, long steps) {
        this.seed = seed;
        this.steps = steps;
    }

    void setStep(long step) {
        this.step = step;
    }

    /** The node starts (again) with its state machine at a point whose configuration is {@code config}, or null if unknown. */
    void restartedAt(String node, ClusterConfig config) {
        if (config == null) {
            applied.remove(node);
        } else {
            applied.put(node, config);
        }
    }

    /** The node applies the committed configuration entry at {@code index}, of {@code term}. */
    void applying(String node, long index, long term, ClusterConfig next) {
        if (committed.putIfAbsent(index, next) == null && !next.isJoint()) {
            // a final configuration committed: a member of an earlier committed one not in it is removed
            for (ClusterConfig earlier : committed.headMap(index).values()) {
                for (String id : earlier.members()) {
                    if (!next.members().contains(id)) {
                        removed.putIfAbsent(id, term);
                    }
                }
            }
        }
        ClusterConfig previous = applied.put(node, next);
        if (previous == null || previous.equals(next)) {
            return;
        }
        transitions++;
        if (!shareAVoterSet(previous, next)) {
            throw new SafetyViolation(seed, steps, step, "membership: " + node + " applies the configuration at index "
                    + index + " " + describe(next) + ", whose quorums need not intersect those of the committed one before it "
                    + describe(previous) + " (a voter change must go through a joint configuration)");
        }
    }

    int removedCount() {
        return removed.size();
    }

    boolean isRemoved(String node) {
        return removed.containsKey(node);
    }

    /**
     * A removed node may still complete an election of a term before its removal (votes granted
     * before, answered after a pause), as a stale leader that can commit nothing; it must never
     * win one of the term of its removal or later.
     */
    void becameLeader(String node, long term) {
        Long removedIn = removed.get(node);
        if (removedIn != null && term >= removedIn) {
            throw new SafetyViolation(seed, steps, step, "membership: " + node + " won the election of term " + term
                    + " after its removal from the cluster had committed");
        }
    }

    /** Configuration changes applied and checked, over all nodes. */
    long transitions() {
        return transitions;
    }

    /**
     * Any quorum of one configuration and any quorum of the other intersect when both need a
     * majority of one common voter set.
     */
    static boolean shareAVoterSet(ClusterConfig a, ClusterConfig b) {
        for (Set<String> x : halves(a)) {
            for (Set<String> y : halves(b)) {
                if (x.equals(y)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static java.util.List<Set<String>> halves(ClusterConfig c) {
        return c.isJoint() ? java.util.List.of(c.voters(), c.outgoingVoters()) : java.util.List.of(c.voters());
    }

    private static String describe(ClusterConfig c) {
        return "(voters " + c.voters() + (c.isJoint() ? ", outgoing " + c.outgoingVoters() : "")
                + (c.learners().isEmpty() ? "" : ", learners " + c.learners()) + ")";
    }
}
