package io.raftkit.spi.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * The leader's answer to a {@link ForwardRequest}.
 *
 * @param term       the leader's term when it answered
 * @param requestId  the request's id at the forwarding node
 * @param status     what happened
 * @param result     the state machine's result when {@code status} is OK, else empty
 * @param leaderHint the leader the answering node knows of when it is not the leader, else null
 */
public record ForwardResponse(String from, String to, long term, long requestId, RouteStatus status, byte[] result,
                              String leaderHint) implements Message {

    public ForwardResponse {
        if (status == null || result == null) {
            throw new IllegalArgumentException("status and result must not be null");
        }
        if (leaderHint != null && leaderHint.isEmpty()) {
            leaderHint = null;
        }
    }

    @Override
    public Kind kind() {
        return Kind.FORWARD_RESPONSE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForwardResponse f && Objects.equals(from, f.from) && Objects.equals(to, f.to)
                && term == f.term && requestId == f.requestId && status == f.status
                && Objects.equals(leaderHint, f.leaderHint) && Arrays.equals(result, f.result);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to, term, requestId, status, leaderHint) * 31 + Arrays.hashCode(result);
    }

    @Override
    public String toString() {
        return "ForwardResponse[" + from + "->" + to + " term=" + term + " id=" + requestId + " " + status + " "
                + result.length + "B leader=" + leaderHint + "]";
    }
}
