package io.raftkit.transport.netty;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
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
 * NettyTransport transport = new NettyTransport(NettyTransportConfig.defaults(), meterRegistry);
 * RaftServer server = RaftServer.builder()
 *         .nodeId("n1").clusterName("ledger-prod")
 *         .member("n1", new InetSocketAddress("10.0.0.1", 7001))
 *         .member("n2", new InetSocketAddress("10.0.0.2", 7001))
 *         .member("n3", new InetSocketAddress("10.0.0.3", 7001))
 *         .transport(transport)   // started by the server with the members above
 *         ...
 * }</pre>
 *
 * <p>The server starts the transport with this node's id, the cluster id and the members
 * ({@link TransportContext}); the transport listens on this node's member address (or the
 * configured bind address). Each node keeps two outbound connections per peer, one per
 * {@link Lane}: control messages (votes, heartbeats, responses, TimeoutNow) never wait behind
 * appends and snapshot chunks, neither in a queue nor in a socket buffer. Connections open on
 * the first message and re-open with capped exponential backoff after they break; the peers'
 * connections are accepted for inbound messages. {@link #send} may be called from any thread; it
 * only queues (per peer and lane, bounded in count and, for data, in bytes; the oldest message
 * is dropped when full) and returns; Netty's event loop threads (daemon threads named
 * {@code raftkit-netty-<nodeId>-*}) encode, write and flush in batches. A connection that breaks
 * the protocol (oversized or unparseable frame, unknown message type, no handshake in time,
 * another cluster, an unknown node, another protocol version, failed TLS, a certificate that does
 * not name the node) is closed and counted; the node and its other connections carry on. See
 * docs/transport.md for the wire format and the metrics.
 */
public final class NettyTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private enum State { NEW, STARTED, CLOSED }

    private final NettyTransportConfig config;
    private final MeterRegistry registry;
    private final Object lifecycle = new Object();
    private volatile State state = State.NEW;
    private volatile Map<String, Peer> peers = Map.of();
    // Set once by start, before state becomes STARTED.
    private volatile String nodeId = "(not started)";
    private volatile TransportMetrics metrics;
    private EventLoopGroup group;
    /** Every open connection, accepted or dialled, so close() can close them all before it returns. */
    private ChannelGroup channels;
    private Channel serverChannel;
    private IoSetup io;
    // Set once by start; what updateMembers needs to open connections to new members.
    private Pipelines pipelines;
    private Bootstrap dialler;
    private Backoff backoff;
    /** Each member's address, this node included, as of the last start or update (guarded by lifecycle). */
    private Map<String, InetSocketAddress> addresses = Map.of();

    /** A transport whose metrics go to a private {@link SimpleMeterRegistry} (see {@link #meterRegistry()}). */
    public NettyTransport(NettyTransportConfig config) {
        this(config, new SimpleMeterRegistry());
    }

    /** A transport that registers its {@code raft.transport.*} meters in the given registry. */
    public NettyTransport(NettyTransportConfig config, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Binds the listening socket (the configured bind address, else this node's member address)
     * and allows sends to the other members.
     *
     * @throws IllegalStateException if already started or closed, or if the bind address cannot
     *                               be bound (the transport is then closed)
     * @throws IllegalArgumentException if the TLS files cannot be loaded, or a node id is longer
     *                                  than {@value WireLimits#MAX_ID_CHARS} characters
     */
    @Override
    public void start(TransportContext context, Consumer<Message> inbound) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(inbound, "inbound");
        context.members().keySet().forEach(id -> {
            if (id.length() > WireLimits.MAX_ID_CHARS) {
                throw new IllegalArgumentException("node ids must be at most " + WireLimits.MAX_ID_CHARS
                        + " characters: " + id);
            }
        });
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException("transport of " + nodeId + " is " + state);
            }
            String self = context.nodeId();
            nodeId = self;
            // TLS first: unreadable files fail start before anything is registered or started.
            TlsContexts tls = config.tlsConfig().map(TlsContexts::build).orElse(null);
            List<String> peerIds = context.members().keySet().stream().filter(id -> !id.equals(self)).toList();
            TransportMetrics meters = new TransportMetrics(registry, self, peerIds);
            io = IoSetup.choose(config.nativeTransport());
            group = new MultiThreadIoEventLoopGroup(config.ioThreads(),
                    new DefaultThreadFactory("raftkit-netty-" + self, true), io.handlerFactory());
            channels = new DefaultChannelGroup("raftkit-" + self, GlobalEventExecutor.INSTANCE);
            // Nothing reaches the handler once close() has begun.
            // Nor from a member removed since its connection was accepted: the dispatch checks the
            // members in force, so once updateMembers returns its messages stop at once.
            MemberIds[] memberIds = new MemberIds[1];
            Consumer<Message> whileOpen = message -> {
                if (state == State.STARTED && memberIds[0].contains(message.from())) {
                    inbound.accept(message);
                }
            };
            Pipelines pipelines = new Pipelines(config, context, meters, tls, whileOpen, channels);
            memberIds[0] = pipelines.members();
            InetSocketAddress bindAddress = config.bindAddressOverride().orElse(context.selfAddress());
            try {
                serverChannel = new ServerBootstrap()
                        .group(group)
                        .channel(io.serverChannel())
                        // A restarted node must rebind its port while old connections linger in TIME_WAIT.
                        .option(ChannelOption.SO_REUSEADDR, true)
                        .childOption(ChannelOption.TCP_NODELAY, true)
                        .childOption(ChannelOption.SO_KEEPALIVE, true)
                        .childHandler(pipelines.accepted())
                        .bind(bindAddress).syncUninterruptibly().channel();
            } catch (Exception e) {
                state = State.CLOSED;
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
                throw new IllegalStateException("node " + self + " cannot listen on " + bindAddress + ": " + e, e);
            }
            dialler = new Bootstrap()
                    .channel(io.channel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    // Bounds what one lane's connection buffers beyond its queue; a drain stops at
                    // the high mark and resumes when the socket has taken the backlog.
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20));
            io.tune(dialler);
            backoff = new Backoff(config.reconnectBackoffMin().toMillis(),
                    config.reconnectBackoffMax().toMillis(), () -> ThreadLocalRandom.current().nextDouble());
            this.pipelines = pipelines;
            metrics = meters;
            Map<String, Peer> connections = new HashMap<>();
            for (String id : peerIds) {
                connections.put(id, newPeer(id, context.members().get(id)));
            }
            peers = Map.copyOf(connections);
            addresses = Map.copyOf(context.members());
            state = State.STARTED;
            log.info("{}: transport of cluster {} listening on {} ({}{})", self, context.clusterId(),
                    serverChannel.localAddress(), io.name(), tls != null ? ", mutual TLS" : "");
        }
    }

    /** The connections to one peer; under the lifecycle lock, once start has set up the dialler. */
    private Peer newPeer(String id, InetSocketAddress address) {
        TransportMetrics meters = metrics;
        meters.addPeer(id);
        // Both lanes on one event loop: a lane's socket never blocks it, and the peer's state
        // stays on one thread.
        EventLoop loop = group.next();
        return new Peer(lane -> {
            DropOldestQueue<Message> queue = lane == Lane.DATA
                    ? new DropOldestQueue<>(config.outboundQueueCapacity(), config.outboundQueueBytes(),
                            WireLimits::queuedBytes)
                    : new DropOldestQueue<>(config.outboundQueueCapacity());
            PeerConnection connection = new PeerConnection(nodeId, id, lane, address, loop, dialler,
                    pipelines, queue, meters.peer(id), backoff, config.maxFrameBytes());
            meters.queueGauges(id, lane, connection::queued, connection::queuedBytes);
            return connection;
        });
    }

    /**
     * Makes {@code members} the members: a new one gets its connections (opened on the first
     * message) and its handshakes are accepted; a removed one's connections, both directions, are
     * closed, its queued messages dropped, and its handshakes refused from now on (counted as
     * {@code unknown_node} in {@code raft.transport.connections.rejected}); a member whose address
     * changed is dialled at the new one. Does not wait for the connections to close.
     *
     * @throws IllegalArgumentException if a node id is longer than {@value WireLimits#MAX_ID_CHARS} characters
     */
    @Override
    public void updateMembers(Map<String, InetSocketAddress> members) {
        Objects.requireNonNull(members, "members");
        members.keySet().forEach(id -> {
            if (id.length() > WireLimits.MAX_ID_CHARS) {
                throw new IllegalArgumentException("node ids must be at most " + WireLimits.MAX_ID_CHARS
                        + " characters: " + id);
            }
        });
        synchronized (lifecycle) {
            if (state != State.STARTED) {
                return;
            }
            Map<String, InetSocketAddress> next = new HashMap<>(members);
            next.put(nodeId, addresses.get(nodeId)); // we listen where we listen
            if (next.keySet().equals(addresses.keySet())
                    && next.keySet().stream().allMatch(id -> sameAddress(next.get(id), addresses.get(id)))) {
                return;
            }
            // Membership first: from here on a removed member's handshakes and messages are refused.
            pipelines.members().set(next.keySet());
            Map<String, Peer> current = new HashMap<>(peers);
            for (String id : addresses.keySet()) {
                if (!id.equals(nodeId) && (!next.containsKey(id) || !sameAddress(next.get(id), addresses.get(id)))) {
                    Peer gone = current.remove(id);
                    if (gone != null) {
                        gone.close();
                    }
                    if (!next.containsKey(id)) {
                        metrics.removePeer(id);
                        closeAcceptedFrom(id);
                        log.info("{}: {} is no longer a member; its connections are closed", nodeId, id);
                    }
                }
            }
            for (Map.Entry<String, InetSocketAddress> member : next.entrySet()) {
                String id = member.getKey();
                if (!id.equals(nodeId) && !current.containsKey(id)) {
                    current.put(id, newPeer(id, member.getValue()));
                    log.info("{}: member {} at {}", nodeId, id, member.getValue());
                }
            }
            peers = Map.copyOf(current);
            addresses = Map.copyOf(next);
        }
    }

    /** Same host (as written, resolved or not) and port: a configuration carries addresses unresolved. */
    private static boolean sameAddress(InetSocketAddress a, InetSocketAddress b) {
        return a.getPort() == b.getPort() && a.getHostString().equals(b.getHostString());
    }

    /** Closes the connections a removed member opened to us (those we opened are its Peer's). */
    private void closeAcceptedFrom(String peerId) {
        for (Channel channel : channels) {
            if (peerId.equals(channel.attr(Handshake.PEER_ID).get()) && channel.parent() != null) {
                channel.close();
            }
        }
    }

    /**
     * The largest append one frame carries, as the core counts it; derived from
     * {@code maxFrameBytes} by {@link WireLimits}: {@code (maxFrameBytes - 2048) * 2 / 3}.
     */
    @Override
    public long maxMessageBytes() {
        return WireLimits.maxAppendBytes(config.maxFrameBytes());
    }

    /**
     * Queues the message for {@code message.to()} on its lane; from any thread, never blocks,
     * never throws for a network problem.
     */
    @Override
    public void send(Message message) {
        if (state != State.STARTED) {
            TransportMetrics meters = metrics;
            if (meters != null) {
                meters.peer(message.to()).dropped(DropReason.NOT_RUNNING);
            }
            return;
        }
        if (!nodeId.equals(message.from())) {
            // The receiver would take a forged sender for an attack and close the connection,
            // losing the good messages queued behind it: refuse it here.
            metrics.peer(message.to()).dropped(DropReason.FOREIGN_SENDER);
            log.warn("{}: dropped a message claiming to be from {}: {}", nodeId, message.from(), message);
            return;
        }
        Peer peer = peers.get(message.to());
        if (peer == null) {
            metrics.peer(TransportMetrics.UNKNOWN_PEER).dropped(DropReason.UNKNOWN_PEER);
            log.debug("{}: dropped {} to non-member {}", nodeId, message.kind(), message.to());
            return;
        }
        peer.send(message);
    }

    /**
     * Closes every connection and the listening socket and stops the event loop threads, waiting
     * (a bounded time) until they are gone. Once it returns nothing more reaches the handler and
     * sends are dropped at once. Idempotent.
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
            peers.values().forEach(Peer::close);
            serverChannel.close().syncUninterruptibly();
            // Close connections explicitly (not only through the loop shutdown) so peers see the
            // FIN before close() returns.
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            if (!group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
                log.warn("{}: event loop threads did not stop within 10 s", nodeId);
            }
            metrics.close();
            log.info("{}: transport closed", nodeId);
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
                throw new IllegalStateException("transport of " + nodeId + " is not started");
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

    /** One lane's connection to a peer, for tests. */
    PeerConnection lane(String peerId, Lane lane) {
        return peers.get(peerId).lane(lane);
    }

    /** Every open connection of this node, for tests. */
    ChannelGroup channels() {
        return channels;
    }
}
