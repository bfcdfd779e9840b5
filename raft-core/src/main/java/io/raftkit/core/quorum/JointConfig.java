package io.raftkit.core.quorum;

import io.raftkit.spi.ClusterConfig;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * Quorum arithmetic for a configuration that may be joint (Raft §6): a decision needs a
 * majority of the incoming voters and a majority of the outgoing voters. With no outgoing
 * voters it is plain majority.
 */
public final class JointConfig {

    private final MajorityConfig incoming;
    private final MajorityConfig outgoing;

    public JointConfig(ClusterConfig config) {
        this.incoming = new MajorityConfig(config.voters());
        this.outgoing = new MajorityConfig(config.outgoingVoters());
    }

    /** The largest index acknowledged by a quorum of both halves. */
    public long committedIndex(ToLongFunction<String> acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /** The election result: won only if both halves won, lost if either lost. */
    public VoteResult voteResult(Map<String, Boolean> votes) {
        VoteResult a = incoming.voteResult(votes);
        VoteResult b = outgoing.voteResult(votes);
        if (a == b) {
            return a;
        }
        if (a == VoteResult.LOST || b == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    /** Whether the active nodes form a quorum of both halves. */
    public boolean isQuorum(Predicate<String> active) {
        return incoming.isQuorum(active) && outgoing.isQuorum(active);
    }
}
