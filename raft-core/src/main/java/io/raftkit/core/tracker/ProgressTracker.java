package io.raftkit.core.tracker;

import io.raftkit.core.quorum.JointConfig;
import io.raftkit.core.quorum.VoteResult;
import io.raftkit.spi.ClusterConfig;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The leader's progress for every member, the votes of an election, and the quorum rules of the
 * current configuration.
 */
public final class ProgressTracker {

    private final String self;
    private final int maxInflightMsgs;
    private final long maxInflightBytes;
    private ClusterConfig config;
    private JointConfig quorum;
    private final Map<String, Progress> progress = new LinkedHashMap<>();
    private final Map<String, Boolean> votes = new HashMap<>();

    /**
     * @param self the local node: it always has a progress, even while it is not a member (a
     *             leader that is not in the configuration it is committing still counts its log)
     */
    public ProgressTracker(String self, ClusterConfig config, int maxInflightMsgs, long maxInflightBytes) {
        this.self = self;
        this.maxInflightMsgs = maxInflightMsgs;
        this.maxInflightBytes = maxInflightBytes;
        setConfig(config, 1);
    }

    /**
     * Switches to a new configuration: members that stay keep their progress, new members (voters
     * and learners) start probing at {@code nextIndex}, removed ones are forgotten.
     */
    public void setConfig(ClusterConfig newConfig, long nextIndex) {
        this.config = newConfig;
        this.quorum = new JointConfig(newConfig);
        Set<String> keep = new HashSet<>(newConfig.members());
        keep.add(self);
        progress.keySet().retainAll(keep);
        for (String id : keep) {
            progress.computeIfAbsent(id, k -> new Progress(nextIndex, maxInflightMsgs, maxInflightBytes));
        }
    }

    public ClusterConfig config() {
        return config;
    }

    /** Whether {@code id} votes in the current configuration (either half of a joint one). */
    public boolean isVoter(String id) {
        return config.isVoter(id);
    }

    /** Forgets all progress: every member restarts probing at {@code nextIndex}. */
    public void resetProgress(long nextIndex) {
        for (String id : progress.keySet()) {
            progress.put(id, new Progress(nextIndex, maxInflightMsgs, maxInflightBytes));
        }
    }

    public Progress get(String id) {
        return progress.get(id);
    }

    public Map<String, Progress> all() {
        return Collections.unmodifiableMap(progress);
    }

    /** The largest index a quorum has matched. */
    public long committedIndex() {
        return quorum.committedIndex(id -> {
            Progress p = progress.get(id);
            return p == null ? 0 : p.match();
        });
    }

    /** Whether the members seen active since the last check form a quorum. */
    public boolean quorumActive() {
        return quorum.isQuorum(id -> {
            Progress p = progress.get(id);
            return p != null && p.recentActive();
        });
    }

    /** Whether the given members form a quorum. */
    public boolean isQuorum(java.util.function.Predicate<String> members) {
        return quorum.isQuorum(members);
    }

    public void resetVotes() {
        votes.clear();
    }

    /** Records a vote; only the first vote of each member in an election counts. */
    public void recordVote(String id, boolean granted) {
        if (!config.isVoter(id)) {
            return; // a learner's or a stranger's vote never counts
        }
        votes.putIfAbsent(id, granted);
    }

    public VoteResult tallyVotes() {
        return quorum.voteResult(votes);
    }

    /** Number of granted votes recorded, for logging. */
    public long grantedVotes() {
        return votes.values().stream().filter(v -> v).count();
    }
}
