package io.raftkit.spi.message;

/**
 * Answer to an {@link AppendRequest}, sent only once the entries it acknowledges are durable.
 *
 * <p>On success {@code index} is the last index the follower now matches with the leader.
 * On rejection {@code index} is the rejected {@code prevLogIndex} and the hint lets the leader
 * skip a whole term per round trip: {@code hintIndex} is the largest index at or below the
 * rejected one whose term is at most the leader's {@code prevLogTerm}, and {@code hintTerm} is
 * its term on the follower.
 *
 * @param success   whether the entries were accepted
 * @param index     matched index on success, rejected prevLogIndex on failure
 * @param hintIndex conflict hint: where the leader should probe next (failure only)
 * @param hintTerm  conflict hint: the follower's term at {@code hintIndex} (failure only)
 */
public record AppendResponse(String from, String to, long term, boolean success, long index,
                             long hintIndex, long hintTerm) implements Message {
    @Override
    public Kind kind() {
        return Kind.APPEND_RESPONSE;
    }
}
