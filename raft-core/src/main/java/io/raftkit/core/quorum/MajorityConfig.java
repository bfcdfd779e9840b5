package io.raftkit.core.quorum;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Quorum arithmetic for one set of voters: a decision needs more than half of them.
 * An empty set agrees to everything, which makes a non-joint configuration a joint one with an
 * empty outgoing half.
 */
public final class MajorityConfig {

    private final String[] voters;

    public MajorityConfig(Set<String> voters) {
        this.voters = voters.toArray(String[]::new);
    }

    /** The number of voters. */
    public int size() {
        return voters.length;
    }

    /**
     * The largest index that a majority of voters have reached, given each voter's acknowledged
     * index. Voters without a value count as 0. An empty configuration returns {@code Long.MAX_VALUE}.
     */
    public long committedIndex(ToLongFunction<String> acked) {
        int n = voters.length;
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[n];
        for (int i = 0; i < n; i++) {
            indexes[i] = acked.applyAsLong(voters[i]);
        }
        Arrays.sort(indexes);
        // sorted ascending: the value at position n - (n/2 + 1) is reached by n/2 + 1 voters
        return indexes[n - (n / 2 + 1)];
    }

    /** The result of an election given the votes received so far (true = granted). */
    public VoteResult voteResult(Map<String, Boolean> votes) {
        int n = voters.length;
        if (n == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (String v : voters) {
            Boolean vote = votes.get(v);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int quorum = n / 2 + 1;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (granted + missing >= quorum) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    /** Whether the nodes for which {@code active} holds form a majority. */
    public boolean isQuorum(java.util.function.Predicate<String> active) {
        int n = voters.length;
        if (n == 0) {
            return true;
        }
        int count = 0;
        for (String v : voters) {
            if (active.test(v)) {
                count++;
            }
        }
        return count >= n / 2 + 1;
    }
}
