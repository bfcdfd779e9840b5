package io.raftkit.transport.netty;

import java.util.Locale;

/** Why an outbound message was not sent; the {@code reason} tag of {@code raft.transport.messages.dropped}. */
enum DropReason {
    /** The peer's queue was full; the oldest message made room for the newest. */
    QUEUE_FULL,
    /** The message encodes to more than the maximum frame size. */
    TOO_LARGE,
    /** The recipient is not a member. */
    UNKNOWN_PEER,
    /** The transport is not started or already closed. */
    NOT_RUNNING,
    /** The message names another node than this one as its sender. */
    FOREIGN_SENDER;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
