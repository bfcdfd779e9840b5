package io.raftkit.server;

import io.raftkit.core.Role;
import java.util.Map;
import java.util.Set;

/**
 * A consistent-enough snapshot of a server's state, for operators and tests. Each field is exact
 * when read, but the fields are not read atomically together.
 *
 * @param nodeId       this node
 * @param role         its role in {@code term}
 * @param term         the current term
 * @param leaderId     the leader it knows of, or null
 * @param commitIndex  the highest index it knows is committed
 * @param appliedIndex the highest index its state machine has applied
 * @param lastIndex    the last index in its log
 * @param running      false once the server is closed or stopped after a fatal error
 * @param failure      why the server stopped, if a fatal error stopped it (a failed storage write, an
 *                     exception from the state machine's {@code apply}, ...), else null
 * @param snapshotIndex the index of the newest snapshot this node holds (taken or installed), 0 if none
 * @param firstIndex   the first index in its log: the entries before it were compacted away
 * @param installs     on a leader, the snapshot transfers in progress by follower
 * @param voters       the voters of the configuration in force (during a joint change, the incoming ones)
 * @param learners     the learners of the configuration in force
 * @param joint        whether a joint-consensus change is under way
 * @param clusterId    the cluster's identity (see {@link RaftServer#clusterId()})
 */
public record ServerStatus(String nodeId, Role role, long term, String leaderId, long commitIndex,
                           long appliedIndex, long lastIndex, boolean running, String failure,
                           long snapshotIndex, long firstIndex, Map<String, InstallProgress> installs,
                           Set<String> voters, Set<String> learners, boolean joint, String clusterId) {

    /**
     * A snapshot being sent to a follower.
     *
     * @param bytesAcked the bytes the follower confirmed
     * @param bytesTotal the snapshot's size
     */
    public record InstallProgress(long bytesAcked, long bytesTotal) {
    }

    /** Whether this node is the leader. */
    public boolean isLeader() {
        return role == Role.LEADER;
    }
}
