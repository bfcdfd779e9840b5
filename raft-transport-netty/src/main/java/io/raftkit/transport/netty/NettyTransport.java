package io.raftkit.transport.netty;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.raftkit.spi.Transport;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} over TCP: Netty, length-prefixed protobuf frames, a handshake that keeps
 * strangers out, optional mutual TLS.
 *
 * <pre>{@code
 * NettyTransportConfig config = NettyTransportConfig.builder("n1", "ledger-prod")
 *         .member("n1", new InetSocketAddress("10.0.0.1", 7001))
 *         .member("n2", new InetSocketAddress("10.0.0.2", 7001))
 *         .member("n3", new InetSocketAddress("10.0.0.3", 7001))
 *         .build();
 * try (NettyTransport transport = new NettyTransport(config, meterRegistry)) {
 *     transport.start(raftServer::receive);
 *     transport.send(message);
 * }
 * }</pre>
 *
 * <p>Each node keeps one outbound connection per peer, opened on the first message to it and
 * re-opened with capped exponential backoff after it breaks, and accepts the peers' connections
 * for inbound messages. {@link #send} only queues (a bounded queue per peer that drops its oldest
 * message when full) and returns; Netty's event loop threads (daemon threads named
 * {@code raftkit-netty-<nodeId>-*}) encode, write and flush in batches. A connection that breaks
 * the protocol (oversized or unparseable frame, unknown message type, no handshake in time,
 * another cluster, an unknown node, another protocol version, failed TLS) is closed and counted;
 * the node and its other connections carry on. See docs/transport.md for the wire format and the
 * metrics.
 */
public final class NettyTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private enum State { NEW, STARTED, CLOSED }

    private final NettyTransportConfig config;
    private final MeterRegistry registry;
    private final TransportMetrics metrics;
    private final Object lifecycle = new Object();
    private volatile State state = State.NEW;
    private volatile Map<String, PeerConnection> peers = Map.of();
    private EventLoopGroup group;
    /** Every open connection, accepted or dialled, so close() can close them all before it returns. */
    private ChannelGroup channels;
    private Channel serverChannel;
    private IoSetup io;

    /** A transport whose metrics go to a private {@link SimpleMeterRegistry} (see {@link #meterRegistry()}). */
    public NettyTransport(NettyTransportConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    /** A transport that registers its {@code raft.transport.*} meters in the given registry. */
    public NettyTransport(NettyTransportConfig config, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metrics = new TransportMetrics(registry, config.nodeId(),
                config.members().keySet().stream().filter(id -> !id.equals(config.nodeId())).toList());
    }

    /**
     * Binds the listening socket and allows sends.
     *
     * @throws IllegalStateException if already started or closed, or if the bind address cannot
     *                               be bound (the transport is then closed)
     * @throws IllegalArgumentException if the TLS files cannot be loaded
     */
    @Override
    public void start(Consumer<Message> inbound) {
        Objects.requireNonNull(inbound, "inbound");
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException("transport of " + config.nodeId() + " is " + state);
            }
            TlsContexts tls = config.tlsConfig().map(TlsContexts::build).orElse(null);
            io = IoSetup.choose(config.nativeTransport());
            group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                    new DefaultThreadFactory("raftkit-netty-" + config.nodeId(), true), io.handlerFactory());
            channels = new DefaultChannelGroup("raftkit-" + config.nodeId(), GlobalEventExecutor.INSTANCE);
            Pipelines pipelines = new Pipelines(config, metrics, tls, inbound, channels);
            try {
                serverChannel = new ServerBootstrap()
                        .group(group)
                        .channel(io.serverChannel())
                        // A restarted node must rebind its port while old connections linger in TIME_WAIT.
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        .childHandler(pipelines.accepted())
                        .bind(config.bindAddress()).syncUninterruptibly().channel();
            } catch (Exception e) {
                state = State.CLOSED;
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
                throw new IllegalStateException("node " + config.nodeId() + " cannot listen on "
                        + config.bindAddress() + ": " + e, e);
            }
            Bootstrap dialler = new Bootstrap()
                    .channel(io.channel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    // Bounds what one peer's connection buffers beyond its queue; a drain stops at
                    // the high mark and resumes when the socket has taken the backlog.
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20));
            io.tune(dialler);
            Backoff backoff = new Backoff(config.reconnectBackoffMin().toMillis(),
                    config.reconnectBackoffMax().toMillis(), () -> ThreadLocalRandom.current().nextDouble());
            Map<String, PeerConnection> connections = new HashMap<>();
            config.members().forEach((id, address) -> {
                if (!id.equals(config.nodeId())) {
                    PeerConnection peer = new PeerConnection(config.nodeId(), id, address, group.next(), dialler,
                            pipelines, config.outboundQueueCapacity(), metrics.peer(id), backoff,
                            config.maxFrameBytes());
                    metrics.queueGauge(id, peer::queued);
                    connections.put(id, peer);
                }
            });
            peers = Map.copyOf(connections);
            state = State.STARTED;
            log.info("{}: transport listening on {} ({}{})", config.nodeId(), serverChannel.localAddress(),
                    io.name(), tls != null ? ", mutual TLS" : "");
        }
    }

    /** Queues the message for {@code message.to()}; never blocks, never throws for a network problem. */
    @Override
    public void send(Message message) {
        if (state != State.STARTED) {
            metrics.peer(message.to()).dropped(DropReason.NOT_RUNNING);
            return;
        }
        if (!config.nodeId().equals(message.from())) {
            // The receiver would take a forged sender for an attack and close the connection,
            // losing the good messages queued behind it: refuse it here.
            metrics.peer(message.to()).dropped(DropReason.FOREIGN_SENDER);
            log.warn("{}: dropped a message claiming to be from {}: {}", config.nodeId(), message.from(), message);
            return;
        }
        PeerConnection peer = peers.get(message.to());
        if (peer == null) {
            metrics.peer(TransportMetrics.UNKNOWN_PEER).dropped(DropReason.UNKNOWN_PEER);
            log.debug("{}: dropped {} to non-member {}", config.nodeId(), message.kind(), message.to());
            return;
        }
        peer.send(message);
    }

    /**
     * Closes every connection and the listening socket and stops the event loop threads, waiting
     * (a bounded time) until they are gone. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                return;
            }
            boolean wasStarted = state == State.STARTED;
            state = State.CLOSED;
            if (!wasStarted) {
                return;
            }
            peers.values().forEach(PeerConnection::close);
            serverChannel.close().syncUninterruptibly();
            // Close connections explicitly (not only through the loop shutdown) so peers see the
            // FIN before close() returns.
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
                log.warn("{}: event loop threads did not stop within 10 s", config.nodeId());
            }
            metrics.close();
            log.info("{}: transport closed", config.nodeId());
        }
    }

    /**
     * The address this transport listens on, with the actual port when the configuration asked
     * for port 0.
     *
     * @throws IllegalStateException if not started
     */
    public InetSocketAddress localAddress() {
        synchronized (lifecycle) {
            if (serverChannel == null) {
                throw new IllegalStateException("transport of " + config.nodeId() + " is not started");
            }
            return (InetSocketAddress) serverChannel.localAddress();
        }
    }

    /** The port this transport listens on; see {@link #localAddress()}. */
    public int port() {
        return localAddress().getPort();
    }

    /** The registry holding this transport's {@code raft.transport.*} meters. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** The configuration this transport runs with. */
    public NettyTransportConfig config() {
        return config;
    }

    /** {@code "epoll"} or {@code "nio"} once started; {@code null} before. */
    public String ioType() {
        synchronized (lifecycle) {
            return io == null ? null : io.name();
        }
    }
}
