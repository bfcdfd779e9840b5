package io.raftkit.spi;

/**
 * The state a node must persist before it answers any message that depends on it
 * (Raft Figure 2, "persistent state on all servers"), plus the commit index as a hint for
 * faster recovery.
 *
 * @param term     the latest term this node has seen
 * @param votedFor the candidate voted for in {@code term}, or {@code null} if none
 * @param commit   an index known to be committed; never ahead of the log
 */
public record HardState(long term, String votedFor, long commit) {

    /** The hard state of a node that has never run. */
    public static final HardState EMPTY = new HardState(0, null, 0);

    public HardState {
        if (term < 0 || commit < 0) {
            throw new IllegalArgumentException("term and commit must be >= 0: " + term + ", " + commit);
        }
    }
}
