package io.raftkit.ledger.client;

import java.util.List;

/**
 * One node's view of the cluster ({@code GET /cluster}).
 *
 * @param leaderId the leader this node knows, or null
 */
public record ClusterStatus(String nodeId, String role, long term, String leaderId, long commitIndex,
                            long appliedIndex, List<Member> members) {
    public ClusterStatus {
        members = List.copyOf(members);
    }

    /** A member of the cluster, with its Raft and HTTP addresses as {@code host:port}. */
    public record Member(String id, String raftAddress, String httpAddress) {
    }
}
