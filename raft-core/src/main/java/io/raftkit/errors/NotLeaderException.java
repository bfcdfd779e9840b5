package io.raftkit.errors;

/**
 * A request that only the leader can serve reached a node that is not the leader (or a leader
 * that is handing over leadership). Nothing was done; retry at {@link #leaderId()} if known.
 */
public class NotLeaderException extends RuntimeException {

    private final String leaderId;
    private final long term;

    public NotLeaderException(String leaderId) {
        this(leaderId, defaultMessage(leaderId, 0));
    }

    public NotLeaderException(String leaderId, String message) {
        this(leaderId, 0, message);
    }

    /**
     * @param term    the term in which {@code leaderId} leads as far as this node knows, 0 if unknown
     * @param message the detail, or null for the default one (naming the leader and term)
     */
    public NotLeaderException(String leaderId, long term, String message) {
        super(message != null ? message : defaultMessage(leaderId, term));
        this.leaderId = leaderId;
        this.term = term;
    }

    private static String defaultMessage(String leaderId, long term) {
        return leaderId == null ? "not the leader, and no leader is known"
                : "not the leader; the leader is " + leaderId + (term > 0 ? " (term " + term + ")" : "");
    }

    /** The leader this node knows of, or null. */
    public String leaderId() {
        return leaderId;
    }

    /** The term this node is in when it named {@link #leaderId()}, or 0 if not known. */
    public long term() {
        return term;
    }
}
