package io.raftkit.spi.message;

/**
 * How the leader answered a request another node forwarded to it ({@link ForwardResponse},
 * {@link ReadIndexResponse}).
 */
public enum RouteStatus {
    /** Done: the command was applied (its result is carried), or the read index is carried. */
    OK,
    /** The receiver is not the leader, or is handing leadership over; nothing was done. */
    NOT_LEADER,
    /** The leader holds too many requests from this sender; nothing was done. */
    OVERLOADED,
    /** The command was proposed but its fate is unknown (leadership changed, a timeout, a shutdown). */
    UNKNOWN_OUTCOME
}
