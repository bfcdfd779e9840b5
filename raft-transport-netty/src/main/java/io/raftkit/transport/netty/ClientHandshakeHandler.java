package io.raftkit.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.raftkit.transport.netty.proto.Frame;

/**
 * Connecting side of the handshake: sends this node's Hello as soon as the connection is up and
 * waits for the peer's. The peer must be of this cluster and protocol version and be the member
 * this connection was opened for (with TLS, by a certificate naming it too); only then is the connection handed to its
 * {@link PeerConnection} for messages. The accepting side never sends anything after its Hello,
 * so any later frame is a protocol error.
 */
final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {

    /** What the handler tells the owner of the connection. */
    interface Listener {
        /** The handshake succeeded; the channel may carry messages. */
        void handshakeDone(Channel channel);

        /** The channel's outbound buffer drained below its low-water mark. */
        void writable(Channel channel);
    }

    private final Frame ourHello;
    private final String clusterId;
    private final String expectedPeer;
    private final Listener listener;
    private final HandshakeDeadline deadline;
    private boolean done;

    ClientHandshakeHandler(String clusterId, String selfId, String expectedPeer, long timeoutMillis,
                           Listener listener) {
        this.ourHello = Handshake.hello(clusterId, selfId);
        this.clusterId = clusterId;
        this.expectedPeer = expectedPeer;
        this.deadline = new HandshakeDeadline(timeoutMillis);
        this.listener = listener;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // With TLS the SslHandler holds this write until its own handshake is done.
        ctx.writeAndFlush(ourHello);
        deadline.arm(ctx, "no answer to our handshake");
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        InboundFrame frame = (InboundFrame) msg;
        if (done) {
            throw new ProtocolException(RejectReason.UNEXPECTED_FRAME, "frame from the accepting side after its Hello");
        }
        if (frame.rejectReason() != null) {
            throw new ProtocolException(RejectReason.REFUSED_BY_PEER, "peer refused our handshake: " + frame.rejectReason());
        }
        if (frame.hello() == null) {
            throw new ProtocolException(RejectReason.NO_HANDSHAKE, "peer sent a message instead of its Hello");
        }
        Handshake.checkCompatible(frame.hello(), clusterId);
        if (!frame.hello().nodeId().equals(expectedPeer)) {
            throw new ProtocolException(RejectReason.UNEXPECTED_NODE, "dialled member '" + expectedPeer
                    + "' but node '" + frame.hello().nodeId() + "' answered");
        }
        PeerCertificates.requireNames(ctx, expectedPeer);
        deadline.cancel();
        done = true;
        ctx.channel().attr(Handshake.PEER_ID).set(expectedPeer);
        listener.handshakeDone(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (done && ctx.channel().isWritable()) {
            listener.writable(ctx.channel());
        }
        ctx.fireChannelWritabilityChanged();
    }
}
