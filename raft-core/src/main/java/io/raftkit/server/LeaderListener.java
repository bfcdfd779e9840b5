package io.raftkit.server;

/**
 * Told when the leader this node knows of changes.
 *
 * <p>Called on the server's notifier thread ({@code raft-notify-<id>}), in the order the changes
 * happened, within moments of the change whatever the state machine is doing (not in order with
 * the commands it applies). A listener that blocks delays the other listeners and the
 * {@link FatalErrorListener}s, not the node; a listener that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface LeaderListener {

    /**
     * @param leaderId the new leader, or {@code null} when no leader is known (an election is running)
     * @param term     the term in which it leads (or the current term when {@code leaderId} is null)
     * @param isSelf   whether the new leader is this node
     */
    void leaderChanged(String leaderId, long term, boolean isSelf);
}
