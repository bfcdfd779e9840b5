package io.raftkit.spi.message;

/**
 * A follower asks the leader for a read index (thesis §6.4) so it can serve a linearizable read
 * from its own state machine once it has applied that index. Not a Raft message: the runtime
 * handles it, the core never sees it.
 *
 * @param term      the sender's current term (informational)
 * @param requestId the sender's id for the read, echoed in the {@link ReadIndexResponse}
 * @param lease     the leader may answer from its lease, without a quorum round
 */
public record ReadIndexRequest(String from, String to, long term, long requestId, boolean lease)
        implements Message {
    @Override
    public Kind kind() {
        return Kind.READ_INDEX_REQUEST;
    }
}
