package io.raftkit.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.raftkit.transport.netty.proto.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepting side of the handshake: the first frame must be a Hello from a current member of this cluster
 * speaking this protocol version, within the handshake timeout; with TLS, the member's
 * certificate must name the node id it claims ({@link PeerCertificates}). On success it answers with this
 * node's Hello, records the peer's id on the channel and leaves the pipeline; on failure it
 * answers with a HelloReject and hands a {@link ProtocolException} to {@link ConnectionGuard},
 * which counts, logs and closes.
 */
final class ServerHandshakeHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerHandshakeHandler.class);

    private final String clusterId;
    private final String selfId;
    private final MemberIds members;
    private final Frame ourHello;
    private final HandshakeDeadline deadline;

    ServerHandshakeHandler(String clusterId, String selfId, MemberIds members, long timeoutMillis) {
        this.clusterId = clusterId;
        this.selfId = selfId;
        this.members = members;
        this.deadline = new HandshakeDeadline(timeoutMillis);
        this.ourHello = Handshake.hello(clusterId, selfId);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        deadline.arm(ctx, "no handshake");
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
        if (frame.hello() == null) {
            throw new ProtocolException(RejectReason.NO_HANDSHAKE, "first frame is not a Hello");
        }
        InboundFrame.HelloFields hello = frame.hello();
        try {
            Handshake.checkCompatible(hello, clusterId);
            if (!members.contains(hello.nodeId()) || hello.nodeId().equals(selfId)) {
                throw new ProtocolException(RejectReason.UNKNOWN_NODE,
                        "node '" + hello.nodeId() + "' is not a member of cluster '" + clusterId + "'");
            }
            PeerCertificates.requireNames(ctx, hello.nodeId());
        } catch (ProtocolException refused) {
            // Tell the peer why before closing, so its operator sees the reason in its own log.
            ctx.writeAndFlush(Handshake.reject(refused.reason()));
            throw refused;
        }
        deadline.cancel();
        ctx.channel().attr(Handshake.PEER_ID).set(hello.nodeId());
        ctx.writeAndFlush(ourHello);
        ctx.pipeline().remove(this);
        log.debug("{}: accepted connection from {} at {}", selfId, hello.nodeId(), ctx.channel().remoteAddress());
    }
}
