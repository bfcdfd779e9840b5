package io.raftkit.spi.message;

import io.raftkit.spi.Entry;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The leader's answers to forwarded commands ({@link ForwardRequest}) of one sender: those its
 * apply thread (or loop turn) settled together, in one message.
 *
 * @param term    the leader's term when it answered
 * @param answers at least one (the validator drops an empty batch)
 */
public record ForwardResponse(String from, String to, long term, List<Answer> answers) implements Message {

    /**
     * The answer to one forwarded command.
     *
     * @param requestId  the request's id at the forwarding node
     * @param status     what happened
     * @param result     the state machine's result when {@code status} is OK, else empty
     * @param leaderHint the leader the answering node knows of when it is not the leader, else null
     */
    public record Answer(long requestId, RouteStatus status, byte[] result, String leaderHint) {
        public Answer {
            if (status == null || result == null) {
                throw new IllegalArgumentException("status and result must not be null");
            }
            if (leaderHint != null && leaderHint.isEmpty()) {
                leaderHint = null;
            }
        }

        /**
         * Its weight against a transport's {@link io.raftkit.spi.Transport#maxMessageBytes()}, counted
         * as an entry of the same data plus the hint (at most 3 bytes per character in UTF-8).
         */
        public long sizeBytes() {
            return result.length + (long) Entry.OVERHEAD_BYTES + (leaderHint == null ? 0 : 3L * leaderHint.length());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Answer a && requestId == a.requestId && status == a.status
                    && Objects.equals(leaderHint, a.leaderHint) && Arrays.equals(result, a.result);
        }

        @Override
        public int hashCode() {
            return Objects.hash(requestId, status, leaderHint) * 31 + Arrays.hashCode(result);
        }

        @Override
        public String toString() {
            return requestId + ":" + status + (result.length == 0 ? "" : "/" + result.length + "B")
                    + (leaderHint == null ? "" : "/leader=" + leaderHint);
        }
    }

    public ForwardResponse {
        answers = List.copyOf(Objects.requireNonNull(answers, "answers"));
    }

    /** A batch of one answer. */
    public ForwardResponse(String from, String to, long term, long requestId, RouteStatus status, byte[] result,
                           String leaderHint) {
        this(from, to, term, List.of(new Answer(requestId, status, result, leaderHint)));
    }

    /** The batch's weight, as {@link Answer#sizeBytes()} counts it. */
    public long sizeBytes() {
        long sum = 0;
        for (Answer a : answers) {
            sum += a.sizeBytes();
        }
        return sum;
    }

    @Override
    public Kind kind() {
        return Kind.FORWARD_RESPONSE;
    }

    @Override
    public String toString() {
        return "ForwardResponse[" + from + "->" + to + " term=" + term + " " + answers + "]";
    }
}
