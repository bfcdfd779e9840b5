package io.raftkit.transport.netty;

import static io.raftkit.transport.netty.NettyTransportTest.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.Message;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated frames at a live transport over real sockets, while a legitimate peer
 * keeps its connection, and checks: every connection that must be refused is closed by the node
 * itself; every other connection is closed once the stranger stops sending (the node never hangs
 * on garbage); each refusal is counted; only well-formed messages from members reach the
 * handler; and the node, and its connection with the legitimate peer, keep working throughout.
 *
 * <p>Seeded: {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.cases=N} changes its size (default
 * 5,000 cases, bounded by {@code -Dfuzz.seconds}, default 20).
 */
class LiveFuzzTest {

    private static final int MAX_FRAME = 4096;

    @Test
    void garbageAndStrangersCloseOnlyTheirOwnConnections() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("fuzz.cases", 5_000);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.getLong("fuzz.seconds", 20)).toNanos();
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2", "n3"));
        ConcurrentLinkedQueue<Message> atNode = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Message> atPeer = new ConcurrentLinkedQueue<>();
        try (NettyTransport node = new NettyTransport(TestNodes.config().maxFrameBytes(MAX_FRAME)
                     .handshakeTimeout(Duration.ofMillis(500)).build());
             NettyTransport peer = new NettyTransport(TestNodes.config().build())) {
            node.start(TestNodes.context("n1", members), atNode::add);
            peer.start(TestNodes.context("n2", members), atPeer::add);
            exchange(node, peer, atNode, atPeer, 0);

            FuzzCases generator = new FuzzCases(seed, MAX_FRAME);
            int ran = 0;
            int mustClose = 0;
            for (; ran < cases && System.nanoTime() < deadline; ran++) {
                FuzzCases.Case fuzz = generator.next();
                if (fuzz.mustClose()) {
                    mustClose++;
                }
                run(node.localAddress(), fuzz, "seed " + seed + ", case " + ran);
                if (ran % 500 == 0) {
                    exchange(node, peer, atNode, atPeer, ran + 1);
                }
            }
            // A stranger that connects and says nothing is dropped after the handshake timeout.
            run(node.localAddress(), new FuzzCases.Case("silence", new byte[0], true), "seed " + seed + ", silence");
            mustClose++;

            exchange(node, peer, atNode, atPeer, Long.MAX_VALUE);
            System.out.printf("LiveFuzzTest: %d cases (seed %d), %d had to be refused%n", ran, seed, mustClose);
            double rejected = node.meterRegistry().get("raft.transport.connections.rejected").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertThat(ran).as("cases run within the time bound (seed %d)", seed).isGreaterThanOrEqualTo(Math.min(cases, 200));
            assertThat(rejected).as("refusals counted (seed %d)", seed).isBetween((double) mustClose, (double) ran + 1);
            assertThat(counter(node.meterRegistry(), "raft.transport.connections.rejected", "reason", "handshake_timeout"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(atNode).as("only members' messages to n1 reach the handler")
                    .allMatch(m -> (m.from().equals("n2") || m.from().equals("n3")) && m.to().equals("n1"));
            assertThat(counter(peer.meterRegistry(), "raft.transport.reconnects", "peer", "n1"))
                    .as("the legitimate peer's connection survived the whole run").isZero();
        }
    }

    /** Sends the case's bytes and checks the node closes the connection when and as it must. */
    private static void run(InetSocketAddress node, FuzzCases.Case fuzz, String where) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(node, 2_000);
            socket.setSoTimeout(3_000);
            try {
                socket.getOutputStream().write(fuzz.bytes());
                if (!fuzz.mustClose()) {
                    // End of input: whatever the node was waiting for will not come.
                    socket.shutdownOutput();
                }
            } catch (SocketException closedWhileWriting) {
                return; // the node closed first: fine either way
            }
            if (!readsToTheEnd(socket.getInputStream())) {
                fail("node kept the connection open (" + fuzz.kind() + ", " + where + ")");
            }
        }
    }

    private static boolean readsToTheEnd(InputStream in) throws IOException {
        byte[] buffer = new byte[512];
        try {
            while (in.read(buffer) >= 0) {
                // answers (Hello or HelloReject) are fine; we wait for the end
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private static void exchange(NettyTransport node, NettyTransport peer, ConcurrentLinkedQueue<Message> atNode,
                                 ConcurrentLinkedQueue<Message> atPeer, long round) {
        Heartbeat ping = new Heartbeat("n2", "n1", 1, round, 0);
        HeartbeatResponse pong = new HeartbeatResponse("n1", "n2", 1, round);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(() -> {
            peer.send(ping);
            node.send(pong);
            return atNode.contains(ping) && atPeer.contains(pong);
        });
    }
}
