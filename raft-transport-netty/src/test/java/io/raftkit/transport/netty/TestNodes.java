package io.raftkit.transport.netty;

import io.raftkit.spi.TransportContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Addresses and configurations for tests: loopback only, ports chosen at run time. */
final class TestNodes {

    static final String CLUSTER = "test-cluster";

    private TestNodes() {
    }

    /** A port that was free a moment ago (the OS picked it for a socket we then closed). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Each node at a free loopback port. */
    static Map<String, InetSocketAddress> members(List<String> ids) {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        ids.forEach(id -> members.put(id, loopback(freePort())));
        return members;
    }

    /** What the server would start node {@code nodeId} with, in cluster {@link #CLUSTER}. */
    static TransportContext context(String nodeId, Map<String, InetSocketAddress> members) {
        return new TransportContext(nodeId, CLUSTER, members);
    }

    /** A configuration with test-friendly timings: quick reconnects and handshake timeout. */
    static NettyTransportConfig.Builder config() {
        return NettyTransportConfig.builder()
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                .handshakeTimeout(Duration.ofSeconds(3))
                .connectTimeout(Duration.ofSeconds(2))
                .ioThreads(1);
    }
}
