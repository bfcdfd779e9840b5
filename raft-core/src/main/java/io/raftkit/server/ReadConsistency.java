package io.raftkit.server;

/**
 * What a read promises ({@link RaftServer#query(byte[], ReadConsistency)}).
 */
public enum ReadConsistency {
    /**
     * Linearizable (the default): the read sees every write acknowledged before it was called.
     * The leader confirms with a quorum that it still leads (ReadIndex, thesis §6.4; reads that
     * arrive together share one round); a follower asks the leader for that index and answers from
     * its own state machine once it has applied it.
     */
    LINEARIZABLE,
    /**
     * Linearizable as long as clocks drift apart by less than
     * {@link ServingConfig#clockDriftBound()}: the leader answers without a quorum round while its
     * lease holds (a quorum answered a heartbeat sent less than the election timeout minus the
     * drift bound ago). A follower asks the leader, which answers from its lease. Falls back to a
     * ReadIndex round when the lease does not hold.
     */
    LEASE,
    /**
     * This node's own applied state, without asking anyone: possibly stale (on a follower, or on a
     * leader that has been deposed without knowing it), never ahead of what is committed. Reads on
     * one node never go back in time while it runs.
     */
    LOCAL
}
