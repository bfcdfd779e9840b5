package io.raftkit.spi.message;

/**
 * A Raft message between two nodes. The set is closed; dispatch with a switch over
 * {@link #kind()}, which the compiler checks for completeness.
 */
public sealed interface Message
        permits VoteRequest, VoteResponse, AppendRequest, AppendResponse, Heartbeat,
                HeartbeatResponse, SnapshotChunk, SnapshotResponse, TimeoutNow {

    /** The message types. Ordinals are not part of any format; use names or explicit tags. */
    enum Kind {
        VOTE_REQUEST, VOTE_RESPONSE, APPEND_REQUEST, APPEND_RESPONSE, HEARTBEAT,
        HEARTBEAT_RESPONSE, SNAPSHOT_CHUNK, SNAPSHOT_RESPONSE, TIMEOUT_NOW
    }

    Kind kind();

    /** The sender's node id. */
    String from();

    /** The recipient's node id. */
    String to();

    /** The sender's current term (for a PreVote request: the term it would campaign in). */
    long term();
}
