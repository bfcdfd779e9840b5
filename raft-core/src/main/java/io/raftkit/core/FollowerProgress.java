package io.raftkit.core;

/**
 * A copy of the leader's view of one follower, taken when asked for: what tests, metrics and
 * status pages read. The live bookkeeping ({@code core.tracker}) stays inside the core.
 *
 * @param nodeId the follower
 * @param match  the highest index known to be replicated on it
 * @param next   the next index the leader will send it
 * @param state  how the leader replicates to it
 * @param paused whether the leader has stopped sending appends to it for now (window full, or probing)
 * @param snapshotBytesAcked in SNAPSHOT state, the bytes of the snapshot the follower confirmed; else 0
 * @param snapshotBytesTotal in SNAPSHOT state, the size of the snapshot being sent; else 0
 */
public record FollowerProgress(String nodeId, long match, long next, State state, boolean paused,
                               long snapshotBytesAcked, long snapshotBytesTotal) {

    /** How the leader replicates to a follower. */
    public enum State {
        /** One append per heartbeat interval, until the leader finds where the logs match. */
        PROBE,
        /** Appends pipelined up to the in-flight window. */
        REPLICATE,
        /** The follower needs a snapshot before the log can continue. */
        SNAPSHOT
    }
}
