package io.raftkit.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslHandler;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * Builds the handler pipelines of both kinds of connection.
 *
 * <pre>
 * accepted: [tls] frames -> wire -> server-handshake -> dispatch -> guard   (encoder for the replies)
 * dialled:  [tls] frames -> wire -> client-handshake -> guard               (encoder for messages)
 * </pre>
 */
final class Pipelines {

    private final NettyTransportConfig config;
    private final TransportContext context;
    private final TransportMetrics metrics;
    private final TlsContexts tls;
    private final Consumer<Message> inbound;
    private final ChannelGroup channels;
    private final MemberIds members;

    Pipelines(NettyTransportConfig config, TransportContext context, TransportMetrics metrics, TlsContexts tls,
              Consumer<Message> inbound, ChannelGroup channels) {
        this.config = config;
        this.context = context;
        this.channels = channels;
        this.metrics = metrics;
        this.tls = tls;
        this.inbound = inbound;
        this.members = new MemberIds(context.members().keySet());
    }

    /** The members whose handshakes accepted connections take; the transport updates them. */
    MemberIds members() {
        return members;
    }

    ChannelInitializer<Channel> accepted() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                ChannelPipeline p = ch.pipeline();
                if (tls != null) {
                    p.addLast("tls", withTimeout(tls.server().newHandler(ch.alloc())));
                }
                addCodec(p);
                p.addLast("handshake", new ServerHandshakeHandler(context.clusterId(), context.nodeId(),
                        members, config.handshakeTimeout().toMillis()));
                p.addLast("dispatch", new InboundDispatcher(context.nodeId(), inbound, metrics));
                p.addLast("guard", new ConnectionGuard(context.nodeId(), "inbound", metrics));
            }
        };
    }

    ChannelInitializer<Channel> dialled(String peerId, InetSocketAddress address,
                                        ClientHandshakeHandler.Listener listener) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                ChannelPipeline p = ch.pipeline();
                if (tls != null) {
                    // Host and port let the JDK check the peer's certificate names that address.
                    p.addLast("tls", withTimeout(tls.client().newHandler(ch.alloc(),
                            address.getHostString(), address.getPort())));
                }
                addCodec(p);
                p.addLast("handshake", new ClientHandshakeHandler(context.clusterId(), context.nodeId(),
                        peerId, config.handshakeTimeout().toMillis(), listener));
                p.addLast("guard", new ConnectionGuard(context.nodeId(), "outbound to " + peerId, metrics));
            }
        };
    }

    private void addCodec(ChannelPipeline p) {
        p.addLast("frames", new FrameDecoder(config.maxFrameBytes()));
        p.addLast("encoder", new FrameEncoder());
        p.addLast("wire", new WireDecoder(metrics::frameIn));
    }

    private SslHandler withTimeout(SslHandler handler) {
        handler.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
        return handler;
    }
}
