package io.raftkit.transport.netty;

import java.util.Locale;

/**
 * Why a connection was closed by this node. Each value is the {@code reason} tag of the
 * {@code raft.transport.connections.rejected} counter.
 */
enum RejectReason {
    /** A frame's length prefix is over the maximum (or negative). */
    FRAME_TOO_LARGE,
    /** A frame's bytes are not a valid protobuf Frame, or carry values the records refuse. */
    MALFORMED_FRAME,
    /** A frame holds no message type this version knows. */
    UNKNOWN_MESSAGE_TYPE,
    /** No handshake within the configured time. */
    HANDSHAKE_TIMEOUT,
    /** A Raft message arrived before the handshake. */
    NO_HANDSHAKE,
    /** The peer speaks another protocol version. */
    VERSION_MISMATCH,
    /**
     * The peer belongs to another cluster: another cluster name, or another founding member list
     * (the cluster id is derived from both).
     */
    CLUSTER_MISMATCH,
    /** The peer's node id is not a member (or is our own). */
    UNKNOWN_NODE,
    /** The node we dialled answered with another node id than the member we meant. */
    UNEXPECTED_NODE,
    /** The peer refused our handshake (its reason is logged). */
    REFUSED_BY_PEER,
    /** A message's sender or recipient does not match the connection's peer and this node. */
    IDENTITY_MISMATCH,
    /** A frame that has no place at this point of the protocol (e.g. a second Hello). */
    UNEXPECTED_FRAME,
    /** The TLS handshake failed: no certificate, an untrusted one, or not TLS at all. */
    TLS,
    /** With TLS, the peer's certificate does not name the node id it claims in its handshake. */
    CERTIFICATE_MISMATCH;

    /** The metric tag value: lower case with underscores. */
    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
