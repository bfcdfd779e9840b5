package io.raftkit.transport.netty;

import io.raftkit.spi.message.Message;

/**
 * The two connections a node keeps to each peer. Appends and snapshot chunks can be megabytes
 * each and queue up by the thousand; everything else is a few dozen bytes and decides elections,
 * leases and ReadIndex rounds. Each lane has its own queue and its own TCP connection, so a
 * vote or heartbeat never waits behind replication data, neither in a queue nor in a socket's
 * send buffer (as etcd keeps its append stream apart from its message stream).
 */
enum Lane {
    /** Votes, heartbeats, their responses, append and snapshot responses, TimeoutNow. */
    CONTROL,
    /** AppendRequest, SnapshotChunk, and forwarded commands and their results. */
    DATA;

    static Lane of(Message.Kind kind) {
        return switch (kind) {
            // a forwarded command or its result can be as large as an entry
            case APPEND_REQUEST, SNAPSHOT_CHUNK, FORWARD_REQUEST, FORWARD_RESPONSE -> DATA;
            case VOTE_REQUEST, VOTE_RESPONSE, APPEND_RESPONSE, HEARTBEAT, HEARTBEAT_RESPONSE, SNAPSHOT_RESPONSE,
                    TIMEOUT_NOW, READ_INDEX_REQUEST, READ_INDEX_RESPONSE -> CONTROL;
        };
    }

    /** The metric tag value. */
    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
