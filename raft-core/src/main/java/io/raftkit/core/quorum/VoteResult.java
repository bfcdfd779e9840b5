package io.raftkit.core.quorum;

/** The outcome of an election tally so far. */
public enum VoteResult {
    /** A quorum granted the vote. */
    WON,
    /** A quorum can no longer be reached. */
    LOST,
    /** Not decided yet. */
    PENDING
}
