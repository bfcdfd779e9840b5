package io.raftkit.transport.netty;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Validated settings of a {@link NettyTransport}: only how it moves bytes. Who the members are,
 * this node's id and the cluster id come from the server at start ({@link
 * io.raftkit.spi.TransportContext}), so the member list is given once, to the server's builder.
 * Build it with {@link #builder}; every invalid value is rejected here, once, with the name of
 * the field.
 *
 * @param bindAddress           where this node listens, or {@code null} (the default) for its
 *                              own member address; set it to listen on another interface, e.g.
 *                              {@code 0.0.0.0:7001} behind NAT (port 0 picks a free port; see
 *                              {@link NettyTransport#localAddress()})
 * @param maxFrameBytes         largest frame accepted or sent, in bytes; a bigger inbound frame
 *                              closes its connection, a bigger outbound message is dropped. It
 *                              fixes {@link NettyTransport#maxMessageBytes()}
 * @param outboundQueueCapacity messages buffered per peer and lane; when full the oldest is dropped
 * @param outboundQueueBytes    bytes of appends and snapshot chunks buffered per peer (the data
 *                              lane); when over, the oldest are dropped. At least
 *                              {@code maxFrameBytes}, so the largest message always fits
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
        InetSocketAddress bindAddress,
        int maxFrameBytes,
        int outboundQueueCapacity,
        long outboundQueueBytes,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        Duration connectTimeout,
        Duration handshakeTimeout,
        int ioThreads,
        boolean nativeTransport,
        TlsConfig tls) {

    /** Default {@link #maxFrameBytes}: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 << 20;
    /** Smallest {@link #maxFrameBytes} accepted: room for a handshake, an append's envelope and a few entries. */
    public static final int MIN_MAX_FRAME_BYTES = 4096;
    /** Default {@link #outboundQueueCapacity}. */
    public static final int DEFAULT_OUTBOUND_QUEUE_CAPACITY = 8192;
    /**
     * Default {@link #outboundQueueBytes}: 64 MiB, twice the server's default replication window
     * ({@code maxInflightBytes}, 32 MiB), so a full window never overflows the queue.
     */
    public static final long DEFAULT_OUTBOUND_QUEUE_BYTES = 64L << 20;

    public NettyTransportConfig {
        if (maxFrameBytes < MIN_MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + MIN_MAX_FRAME_BYTES + ", was " + maxFrameBytes);
        }
        if (outboundQueueCapacity < 1) {
            throw new IllegalArgumentException("outboundQueueCapacity must be >= 1, was " + outboundQueueCapacity);
        }
        if (outboundQueueBytes < maxFrameBytes) {
            throw new IllegalArgumentException("outboundQueueBytes (" + outboundQueueBytes
                    + ") must be >= maxFrameBytes (" + maxFrameBytes + "), or the largest message would never fit");
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

    /** The bind address override, if any; otherwise the transport listens on its member address. */
    public Optional<InetSocketAddress> bindAddressOverride() {
        return Optional.ofNullable(bindAddress);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every setting at its default: plain TCP, listening on the node's member address. */
    public static NettyTransportConfig defaults() {
        return builder().build();
    }

    private static void requirePositive(Duration d, String field) {
        Objects.requireNonNull(d, field);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + d);
        }
    }

    /** Builds a {@link NettyTransportConfig}; defaults suit a LAN cluster. */
    public static final class Builder {
        private InetSocketAddress bindAddress;
        private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
        private int outboundQueueCapacity = DEFAULT_OUTBOUND_QUEUE_CAPACITY;
        private long outboundQueueBytes = DEFAULT_OUTBOUND_QUEUE_BYTES;
        private Duration reconnectBackoffMin = Duration.ofMillis(50);
        private Duration reconnectBackoffMax = Duration.ofSeconds(2);
        private Duration connectTimeout = Duration.ofSeconds(3);
        private Duration handshakeTimeout = Duration.ofSeconds(5);
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private boolean nativeTransport = true;
        private TlsConfig tls;

        private Builder() {
        }

        /** Where to listen instead of this node's member address (e.g. {@code 0.0.0.0:7001}). */
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

        public Builder outboundQueueBytes(long bytes) {
            this.outboundQueueBytes = bytes;
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
            return new NettyTransportConfig(bindAddress, maxFrameBytes, outboundQueueCapacity, outboundQueueBytes,
                    reconnectBackoffMin, reconnectBackoffMax, connectTimeout, handshakeTimeout, ioThreads,
                    nativeTransport, tls);
        }
    }
}
