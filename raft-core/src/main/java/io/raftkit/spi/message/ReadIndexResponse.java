package io.raftkit.spi.message;

/**
 * The leader's answer to a {@link ReadIndexRequest}.
 *
 * @param term       the leader's term when it answered
 * @param requestId  the read's id at the asking node
 * @param status     OK (then {@code index} is the read index), NOT_LEADER or OVERLOADED
 * @param index      the index the asking node must have applied before it serves the read
 * @param leaderHint the leader the answering node knows of when it is not the leader, else null
 */
public record ReadIndexResponse(String from, String to, long term, long requestId, RouteStatus status, long index,
                                String leaderHint) implements Message {

    public ReadIndexResponse {
        if (status == null) {
            throw new IllegalArgumentException("status must not be null");
        }
        if (leaderHint != null && leaderHint.isEmpty()) {
            leaderHint = null;
        }
    }

    @Override
    public Kind kind() {
        return Kind.READ_INDEX_RESPONSE;
    }
}
