package io.raftkit.spi.message;

/**
 * A Raft message between two nodes. The set is closed; dispatch with a switch over
 * {@link #kind()}, which the compiler checks for completeness.
 */
public sealed interface Message
        permits VoteRequest, VoteResponse, AppendRequest, AppendResponse, Heartbeat,
                HeartbeatResponse, SnapshotChunk, SnapshotResponse, TimeoutNow,
                ForwardRequest, ForwardResponse, ReadIndexRequest, ReadIndexResponse {

    /** The message types. Ordinals are not part of any format; use names or explicit tags. */
    enum Kind {
        VOTE_REQUEST, VOTE_RESPONSE, APPEND_REQUEST, APPEND_RESPONSE, HEARTBEAT,
        HEARTBEAT_RESPONSE, SNAPSHOT_CHUNK, SNAPSHOT_RESPONSE, TIMEOUT_NOW,
        // requests served on the leader's behalf: handled by the runtime, never by the core
        FORWARD_REQUEST, FORWARD_RESPONSE, READ_INDEX_REQUEST, READ_INDEX_RESPONSE;

        /** Whether this kind is a request routed between runtimes rather than a Raft message. */
        public boolean isRouting() {
            return this == FORWARD_REQUEST || this == FORWARD_RESPONSE || this == READ_INDEX_REQUEST
                    || this == READ_INDEX_RESPONSE;
        }
    }

    Kind kind();

    /** The sender's node id. */
    String from();

    /** The recipient's node id. */
    String to();

    /** The sender's current term (for a PreVote request: the term it would campaign in). */
    long term();
}
