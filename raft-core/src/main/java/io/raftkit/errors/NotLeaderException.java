package io.raftkit.errors;

/**
 * A request that only the leader can serve reached a node that is not the leader (or a leader
 * that is handing over leadership). Nothing was done; retry at {@link #leaderId()} if known.
 */
public class NotLeaderException extends RuntimeException {

    private final String leaderId;

    public NotLeaderException(String leaderId) {
        this(leaderId, leaderId == null ? "not the leader, and no leader is known"
                : "not the leader; the leader is " + leaderId);
    }

    public NotLeaderException(String leaderId, String message) {
        super(message);
        this.leaderId = leaderId;
    }

    /** The leader this node knows of, or null. */
    public String leaderId() {
        return leaderId;
    }
}
