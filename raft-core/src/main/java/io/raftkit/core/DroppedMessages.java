package io.raftkit.core;

import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;

/**
 * Counts the inbound messages {@link RaftNode#step} dropped as invalid, by kind and reason, and
 * tells an optional listener about each (the runtime turns them into the metric
 * {@code raft.messages.invalid}). Owned by the node's thread, like the node.
 */
public final class DroppedMessages {

    /** Told about every dropped message, on the thread that stepped it. */
    @FunctionalInterface
    public interface Listener {
        void dropped(Message.Kind kind, InvalidReason reason);
    }

    private static final Message.Kind[] KINDS = Message.Kind.values();
    private static final InvalidReason[] REASONS = InvalidReason.values();

    private final long[][] counts = new long[KINDS.length][REASONS.length];
    private long total;
    private Listener listener = (kind, reason) -> { };

    DroppedMessages() {
    }

    void record(Message.Kind kind, InvalidReason reason) {
        counts[kind.ordinal()][reason.ordinal()]++;
        total++;
        listener.dropped(kind, reason);
    }

    /** Replaces the listener (there is one at most). */
    public void listen(Listener listener) {
        this.listener = listener == null ? (kind, reason) -> { } : listener;
    }

    /** Messages dropped since the node was created. */
    public long total() {
        return total;
    }

    /** Messages of {@code kind} dropped for {@code reason}. */
    public long count(Message.Kind kind, InvalidReason reason) {
        return counts[kind.ordinal()][reason.ordinal()];
    }

    /** Messages of any kind dropped for {@code reason}. */
    public long count(InvalidReason reason) {
        long n = 0;
        for (Message.Kind kind : KINDS) {
            n += counts[kind.ordinal()][reason.ordinal()];
        }
        return n;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("DroppedMessages[total=").append(total);
        for (Message.Kind kind : KINDS) {
            for (InvalidReason reason : REASONS) {
                long n = counts[kind.ordinal()][reason.ordinal()];
                if (n > 0) {
                    sb.append(' ').append(kind).append('/').append(reason.tag()).append('=').append(n);
                }
            }
        }
        return sb.append(']').toString();
    }
}
