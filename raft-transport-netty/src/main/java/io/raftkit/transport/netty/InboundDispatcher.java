package io.raftkit.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.raftkit.spi.message.Message;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last stop of an accepted connection after its handshake: checks that each message comes from
 * the node that shook hands and is meant for this node (a member cannot speak for another), counts
 * it and hands it to the transport's inbound handler.
 */
final class InboundDispatcher extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(InboundDispatcher.class);

    private final String selfId;
    private final Consumer<Message> handler;
    private final TransportMetrics metrics;

    InboundDispatcher(String selfId, Consumer<Message> handler, TransportMetrics metrics) {
        this.selfId = selfId;
        this.handler = handler;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        InboundFrame frame = (InboundFrame) msg;
        Message message = frame.message();
        if (message == null) {
            throw new ProtocolException(RejectReason.UNEXPECTED_FRAME, "handshake frame after the handshake");
        }
        String peer = ctx.channel().attr(Handshake.PEER_ID).get();
        if (!message.from().equals(peer) || !message.to().equals(selfId)) {
            throw new ProtocolException(RejectReason.IDENTITY_MISMATCH, "connection of '" + peer
                    + "' to '" + selfId + "' carried a message from '" + message.from() + "' to '" + message.to() + "'");
        }
        metrics.peer(peer).received(frame.wireBytes());
        try {
            handler.accept(message);
        } catch (RuntimeException e) {
            // The handler's bug is not the peer's fault: keep the connection.
            log.error("{}: inbound handler failed on {}", selfId, message, e);
        }
    }
}
