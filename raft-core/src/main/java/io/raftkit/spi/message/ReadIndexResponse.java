package io.raftkit.spi.message;

import io.raftkit.spi.Entry;
import java.util.List;
import java.util.Objects;

/**
 * The leader's answers to read-index requests ({@link ReadIndexRequest}) of one sender, in one message.
 *
 * @param term    the leader's term when it answered
 * @param answers at least one (the validator drops an empty batch)
 */
public record ReadIndexResponse(String from, String to, long term, List<Answer> answers) implements Message {

    /**
     * The answer to one read.
     *
     * @param requestId  the read's id at the asking node
     * @param status     OK (then {@code index} is the read index), NOT_LEADER, OVERLOADED or UNKNOWN_OUTCOME
     * @param index      the index the asking node must have applied before it serves the read
     * @param leaderHint the leader the answering node knows of when it is not the leader, else null
     */
    public record Answer(long requestId, RouteStatus status, long index, String leaderHint) {
        public Answer {
            if (status == null) {
                throw new IllegalArgumentException("status must not be null");
            }
            if (leaderHint != null && leaderHint.isEmpty()) {
                leaderHint = null;
            }
        }

        /** Its weight against a transport's {@link io.raftkit.spi.Transport#maxMessageBytes()}. */
        public long sizeBytes() {
            return Entry.OVERHEAD_BYTES + (leaderHint == null ? 0 : 3L * leaderHint.length());
        }
    }

    public ReadIndexResponse {
        answers = List.copyOf(Objects.requireNonNull(answers, "answers"));
    }

    /** A batch of one answer. */
    public ReadIndexResponse(String from, String to, long term, long requestId, RouteStatus status, long index,
                             String leaderHint) {
        this(from, to, term, List.of(new Answer(requestId, status, index, leaderHint)));
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
        return Kind.READ_INDEX_RESPONSE;
    }
}
