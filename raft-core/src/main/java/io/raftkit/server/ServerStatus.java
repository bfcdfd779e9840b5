package io.raftkit.server;

import io.raftkit.core.Role;

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
 */
public record ServerStatus(String nodeId, Role role, long term, String leaderId, long commitIndex,
                           long appliedIndex, long lastIndex, boolean running, String failure) {

    /** Whether this node is the leader. */
    public boolean isLeader() {
        return role == Role.LEADER;
    }
}
