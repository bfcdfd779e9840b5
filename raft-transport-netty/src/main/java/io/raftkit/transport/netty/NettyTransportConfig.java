package io.raftkit.transport.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Validated configuration of a {@link NettyTransport}. Build it with {@link #builder}; every
 * invalid value is rejected here, once, with the name of the field.
 *
 * @param nodeId                this node's id; must be one of {@code members}
 * @param clusterId             shared by every member; a connection from another cluster is refused
 * @param members               every member's id and address, this node included
 * @param bindAddress           where this node listens (port 0 picks a free port; see
 *                              {@link NettyTransport#localAddress()})
 * @param maxFrameBytes         largest frame accepted or sent, in bytes; a bigger inbound frame
 *                              closes its connection, a bigger outbound message is dropped
 * @param outboundQueueCapacity messages buffered per peer; when full the oldest is dropped
 * @param reconnectBackoffMin   delay before the first reconnection attempt
 * @param reconnectBackoffMax   cap of the exponentially growing reconnection delay
 * @param connectTimeout        bound of one TCP connection attempt
 * @param handshakeTimeout      a connection that has not completed its handshake (TLS included)
 *                              by then is closed
 * @param ioThreads             Netty event loop threads of this transport
 * @param nativeTransport       use Linux epoll when available (else NIO)
 * @param tls                   mutual TLS, or {@code null} for plain TCP
 */
public record NettyTransportConfig(
        String nodeId,
        String clusterId,
        Map<String, InetSocketAddress> members,
        InetSocketAddress bindAddress,
        int maxFrameBytes,
        int outboundQueueCapacity,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        Duration connectTimeout,
        Duration handshakeTimeout,
        int ioThreads,
        boolean nativeTransport,
        TlsConfig tls) {

    /** Default {@link #maxFrameBytes}: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;
    /** Smallest {@link #maxFrameBytes} accepted: room for a handshake and small messages. */
    public static final int MIN_MAX_FRAME_BYTES = 1024;
    /** Default {@link #outboundQueueCapacity}. */
    public static final int DEFAULT_OUTBOUND_QUEUE_CAPACITY = 8192;

    public NettyTransportConfig {
        requireId(nodeId, "nodeId");
        requireId(clusterId, "clusterId");
        Objects.requireNonNull(members, "members");
        members.forEach((id, address) -> {
            requireId(id, "members (an id)");
            if (address == null) {
                throw new IllegalArgumentException("members: address of " + id + " is null");
            }
        });
        if (!members.containsKey(nodeId)) {
            throw new IllegalArgumentException("members must contain nodeId '" + nodeId + "', has " + members.keySet());
        }
        members = Map.copyOf(members);
        if (bindAddress == null) {
            bindAddress = members.get(nodeId);
        }
        if (maxFrameBytes < MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + MIN_MAX_FRAME_BYTES + ", was " + maxFrameBytes);
        }
        if (outboundQueueCapacity < 1) {
            throw new IllegalArgumentException("outboundQueueCapacity must be >= 1, was " + outboundQueueCapacity);
        }
        requirePositive(reconnectBackoffMin, "reconnectBackoffMin");
        requirePositive(reconnectBackoffMax, "reconnectBackoffMax");
        if (reconnectBackoffMax.compareTo(reconnectBackoffMin) < 0) {
            throw new IllegalArgumentException("reconnectBackoffMax (" + reconnectBackoffMax
                    + ") must be >= reconnectBackoffMin (" + reconnectBackoffMin + ")");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(handshakeTimeout, "handshakeTimeout");
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1, was " + ioThreads);
        }
    }

    /** The TLS configuration, if any. */
    public Optional<TlsConfig> tlsConfig() {
        return Optional.ofNullable(tls);
    }

    /** A builder for this node of the cluster; add every member (this node too) with {@link Builder#member}. */
    public static Builder builder(String nodeId, String clusterId) {
        return new Builder(nodeId, clusterId);
    }

    private static void requireId(String id, String field) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        if (id.length() > 255) {
            throw new IllegalArgumentException(field + " must be at most 255 characters: " + id);
        }
    }

    private static void requirePositive(Duration d, String field) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + d);
        }
    }

    /** Builds a {@link NettyTransportConfig}; defaults suit a LAN cluster. */
    public static final class Builder {
        private final String nodeId;
        private final String clusterId;
        private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        private InetSocketAddress bindAddress;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int outboundQueueCapacity = DEFAULT_OUTBOUND_QUEUE_CAPACITY;
        private Duration reconnectBackoffMin = Duration.ofMillis(50);
        private Duration reconnectBackoffMax = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private boolean nativeTransport = true;
        private TlsConfig tls;

        private Builder(String nodeId, String clusterId) {
            this.nodeId = nodeId;
            this.clusterId = clusterId;
        }

        public Builder member(String id, InetSocketAddress address) {
            members.put(id, address);
            return this;
        }

        public Builder members(Map<String, InetSocketAddress> all) {
            members.putAll(all);
            return this;
        }

        /** Where to listen; defaults to this node's member address. */
        public Builder bindAddress(InetSocketAddress address) {
            this.bindAddress = address;
            return this;
        }

        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        public Builder outboundQueueCapacity(int messages) {
            this.outboundQueueCapacity = messages;
            return this;
        }

        public Builder reconnectBackoff(Duration min, Duration max) {
            this.reconnectBackoffMin = min;
            this.reconnectBackoffMax = max;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        /** Whether to use Linux epoll when available (default true); false forces NIO. */
        public Builder nativeTransport(boolean enabled) {
            this.nativeTransport = enabled;
            return this;
        }

        /** Mutual TLS; {@code null} (the default) for plain TCP. */
        public Builder tls(TlsConfig config) {
            this.tls = config;
            return this;
        }

        public NettyTransportConfig build() {
            return new NettyTransportConfig(nodeId, clusterId, members, bindAddress, maxFrameBytes,
                    outboundQueueCapacity, reconnectBackoffMin, reconnectBackoffMax, connectTimeout,
                    handshakeTimeout, ioThreads, nativeTransport, tls);
        }
    }
}
