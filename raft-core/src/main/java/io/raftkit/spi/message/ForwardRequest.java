package io.raftkit.spi.message;

import java.util.Arrays;
import java.util.Objects;

/**
 * A command a follower forwards to the node it believes leads, on behalf of its own caller. Not a
 * Raft message: the runtime handles it, the core never sees it.
 *
 * @param term      the sender's current term (informational)
 * @param requestId the sender's id for the request, echoed in the {@link ForwardResponse}
 * @param command   the command, not copied
 */
public record ForwardRequest(String from, String to, long term, long requestId, byte[] command)
        implements Message {

    public ForwardRequest {
        if (command == null) {
            throw new IllegalArgumentException("command must not be null");
        }
    }

    @Override
    public Kind kind() {
        return Kind.FORWARD_REQUEST;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForwardRequest f && Objects.equals(from, f.from) && Objects.equals(to, f.to)
                && term == f.term && requestId == f.requestId && Arrays.equals(command, f.command);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to, term, requestId) * 31 + Arrays.hashCode(command);
    }

    @Override
    public String toString() {
        return "ForwardRequest[" + from + "->" + to + " term=" + term + " id=" + requestId + " " + command.length + "B]";
    }
}
