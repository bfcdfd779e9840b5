package io.raftkit.transport.netty;

import io.raftkit.spi.message.Message;

/**
 * One decoded inbound frame: exactly one of {@code hello}, {@code rejectReason} or
 * {@code message} is set. Plain values only: nothing here refers to the frame's buffer.
 *
 * @param wireBytes the frame's size on the wire, length prefix included
 */
record InboundFrame(HelloFields hello, String rejectReason, Message message, int wireBytes) {

    /** What a Hello carries. */
    record HelloFields(int protocolVersion, String clusterId, String nodeId) {
    }

    static InboundFrame hello(HelloFields hello, int wireBytes) {
        return new InboundFrame(hello, null, null, wireBytes);
    }

    static InboundFrame reject(String reason, int wireBytes) {
        return new InboundFrame(null, reason, null, wireBytes);
    }

    static InboundFrame message(Message message, int wireBytes) {
        return new InboundFrame(null, null, message, wireBytes);
    }
}
