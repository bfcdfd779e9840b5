package io.raftkit.spi.message;

import io.raftkit.spi.Entry;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The commands a follower forwards to the node it believes leads, on behalf of its own callers:
 * all it forwarded in one loop turn, so a busy follower sends one message per turn rather than
 * one per command. Not a Raft message: the runtime handles it, the core never sees it.
 *
 * @param term     the sender's current term: the leader refuses commands sent before its term began
 * @param commands at least one (the validator drops an empty batch); not copied deeply
 */
public record ForwardRequest(String from, String to, long term, List<Command> commands) implements Message {

    /**
     * One forwarded command.
     *
     * @param requestId the sender's id for it, echoed in the {@link ForwardResponse}
     * @param command   the command, not copied
     */
    public record Command(long requestId, byte[] command) {
        public Command {
            if (command == null) {
                throw new IllegalArgumentException("command must not be null");
            }
        }

        /**
         * Its weight against a transport's {@link io.raftkit.spi.Transport#maxMessageBytes()}:
         * counted as an entry of the same data, so a transport that carries an append of these
         * bytes carries a batch of them too (a command is never larger than an entry).
         */
        public long sizeBytes() {
            return command.length + (long) Entry.OVERHEAD_BYTES;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Command c && requestId == c.requestId && Arrays.equals(command, c.command);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(requestId) * 31 + Arrays.hashCode(command);
        }

        @Override
        public String toString() {
            return requestId + ":" + command.length + "B";
        }
    }

    public ForwardRequest {
        commands = List.copyOf(Objects.requireNonNull(commands, "commands"));
    }

    /** A batch of one command. */
    public ForwardRequest(String from, String to, long term, long requestId, byte[] command) {
        this(from, to, term, List.of(new Command(requestId, command)));
    }

    /** The batch's weight, as {@link Command#sizeBytes()} counts it. */
    public long sizeBytes() {
        long sum = 0;
        for (Command c : commands) {
            sum += c.sizeBytes();
        }
        return sum;
    }

    @Override
    public Kind kind() {
        return Kind.FORWARD_REQUEST;
    }

    @Override
    public String toString() {
        return "ForwardRequest[" + from + "->" + to + " term=" + term + " " + commands + "]";
    }
}
