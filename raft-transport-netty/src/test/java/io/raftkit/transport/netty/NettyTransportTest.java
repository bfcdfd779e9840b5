package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Entry;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.Message;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour specific to the Netty transport, over real sockets on 127.0.0.1. */
class NettyTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final List<NettyTransport> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(NettyTransport::close);
    }

    @Test
    void portZeroBindsAFreePortThatLocalAddressReports() {
        NettyTransport transport = open(TestNodes.config().build());
        transport.start(TestNodes.context("n1", Map.of("n1", TestNodes.loopback(0))), m -> { });

        assertThat(transport.port()).isPositive();
        assertThat(transport.localAddress().getAddress().isLoopbackAddress()).isTrue();
        assertThat(transport.ioType()).isIn("epoll", "nio");
    }

    @Test
    void closeReleasesTheListeningPort() throws IOException {
        NettyTransport transport = open(TestNodes.config().build());
        transport.start(TestNodes.context("n1", Map.of("n1", TestNodes.loopback(0))), m -> { });
        InetSocketAddress address = transport.localAddress();

        transport.close();

        try (ServerSocket rebound = new ServerSocket()) {
            rebound.bind(address);
            assertThat(rebound.getLocalPort()).isEqualTo(address.getPort());
        }
    }

    @Test
    void portInUseFailsStartNamingTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            NettyTransport transport = open(TestNodes.config().build());

            assertThatThrownBy(() -> transport.start(
                    TestNodes.context("n1", Map.of("n1", TestNodes.loopback(taken.getLocalPort()))), m -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void messageOverTheFrameLimitIsDroppedAndCountedWhileOthersFlow() {
        Pair pair = pair(b -> b.maxFrameBytes(64 * 1024));
        Message tooBig = new AppendRequest("n1", "n2", 1, 0, 0, List.of(Entry.command(1, 1, new byte[70_000])), 0);
        Message fine = new Heartbeat("n1", "n2", 1, 0, 0);

        pair.a().send(tooBig);
        pair.a().send(fine);

        await().atMost(WAIT).until(() -> pair.inboxB().contains(fine));
        assertThat(pair.inboxB()).doesNotContain(tooBig);
        assertThat(counter(pair.a().meterRegistry(), "raft.transport.messages.dropped", "reason", "too_large"))
                .isEqualTo(1);
    }

    @Test
    void fullQueueDropsTheOldestMessagesAndCountsThem() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(TestNodes.config().outboundQueueCapacity(10).build());
        a.start(TestNodes.context("n1", members), m -> { });

        // n2 is not up: everything waits in the queue, which keeps the newest ten.
        for (int i = 0; i < 25; i++) {
            a.send(new Heartbeat("n1", "n2", 1, i, 0));
        }
        ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
        open(TestNodes.config().build()).start(TestNodes.context("n2", members), inbox::add);

        await().atMost(WAIT).until(() -> inbox.size() == 10);
        assertThat(inbox).extracting(m -> ((Heartbeat) m).commit())
                .containsExactlyInAnyOrder(15L, 16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L);
        assertThat(counter(a.meterRegistry(), "raft.transport.messages.dropped", "reason", "queue_full"))
                .isEqualTo(15);
    }

    @Test
    void nodeOfAnotherClusterCannotDeliverAndBothSidesCountTheRefusal() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(TestNodes.config().build());
        ConcurrentLinkedQueue<Message> inboxA = new ConcurrentLinkedQueue<>();
        a.start(TestNodes.context("n1", members), inboxA::add);
        NettyTransport stranger = open(TestNodes.config().build());
        stranger.start(new TransportContext("n2", "another-cluster", members), m -> { });

        await().atMost(WAIT).until(() -> {
            stranger.send(new Heartbeat("n2", "n1", 1, 1, 0));
            return counter(a.meterRegistry(), "raft.transport.connections.rejected", "reason", "cluster_mismatch") >= 1
                    && counter(stranger.meterRegistry(), "raft.transport.connections.rejected", "reason",
                    "refused_by_peer") >= 1;
        });
        assertThat(inboxA).isEmpty();
    }

    @Test
    void foundingNodesGivenDifferentMemberListsRefuseEachOtherAtTheHandshake() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2", "n3"));
        // n1 was told the cluster is n1, n2, n3; n2 was told n1, n2 (an operator's mistake).
        Map<String, InetSocketAddress> shorter = Map.of("n1", members.get("n1"), "n2", members.get("n2"));
        NettyTransport a = open(TestNodes.config().build());
        ConcurrentLinkedQueue<Message> inboxA = new ConcurrentLinkedQueue<>();
        a.start(new TransportContext("n1", ClusterId.derive("ledger", members.keySet()), members), inboxA::add);
        NettyTransport b = open(TestNodes.config().build());
        ConcurrentLinkedQueue<Message> inboxB = new ConcurrentLinkedQueue<>();
        b.start(new TransportContext("n2", ClusterId.derive("ledger", shorter.keySet()), shorter), inboxB::add);

        await().atMost(WAIT).until(() -> {
            a.send(new Heartbeat("n1", "n2", 1, 1, 0));
            b.send(new Heartbeat("n2", "n1", 1, 1, 0));
            return counter(a.meterRegistry(), "raft.transport.connections.rejected", "reason", "cluster_mismatch") >= 1
                    && counter(b.meterRegistry(), "raft.transport.connections.rejected", "reason",
                    "cluster_mismatch") >= 1;
        });
        assertThat(inboxA).isEmpty();
        assertThat(inboxB).isEmpty();
    }

    @Test
    void sendsAfterCloseAreDroppedAndCountedWithoutQueueing() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(TestNodes.config().build());
        a.start(TestNodes.context("n1", members), m -> { });
        a.close();

        for (int i = 0; i < 100; i++) {
            a.send(new Heartbeat("n1", "n2", 1, i, 0));
        }

        assertThat(counter(a.meterRegistry(), "raft.transport.messages.dropped", "reason", "not_running"))
                .isEqualTo(100);
        assertThat(a.lane("n2", Lane.CONTROL).queued()).isZero();
    }

    @Test
    void unknownNodeCannotDeliver() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n9"));
        NettyTransport a = open(TestNodes.config().build());
        ConcurrentLinkedQueue<Message> inboxA = new ConcurrentLinkedQueue<>();
        a.start(TestNodes.context("n1", Map.of("n1", members.get("n1"))), inboxA::add);
        NettyTransport stranger = open(TestNodes.config().build());
        stranger.start(TestNodes.context("n9", members), m -> { });

        await().atMost(WAIT).until(() -> {
            stranger.send(new Heartbeat("n9", "n1", 1, 1, 0));
            return counter(a.meterRegistry(), "raft.transport.connections.rejected", "reason", "unknown_node") >= 1;
        });
        assertThat(inboxA).isEmpty();
    }

    @Test
    void removedMemberIsDisconnectedAndItsHandshakesRefusedAndCounted() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(TestNodes.config().build());
        ConcurrentLinkedQueue<Message> inboxA = new ConcurrentLinkedQueue<>();
        a.start(TestNodes.context("n1", members), inboxA::add);
        NettyTransport b = open(TestNodes.config().build());
        b.start(TestNodes.context("n2", members), m -> { });
        Heartbeat before = new Heartbeat("n2", "n1", 1, 1, 0);
        await().atMost(WAIT).until(() -> {
            b.send(before);
            return inboxA.contains(before);
        });

        a.updateMembers(Map.of("n1", members.get("n1")));

        Heartbeat after = new Heartbeat("n2", "n1", 1, 2, 0);
        await().atMost(WAIT).until(() -> {
            b.send(after);
            return counter(a.meterRegistry(), "raft.transport.connections.rejected", "reason", "unknown_node") >= 1;
        });
        assertThat(inboxA).doesNotContain(after);
        assertThat(a.meterRegistry().find("raft.transport.queue.size").tag("peer", "n2").gauges())
                .as("the removed member's queue gauges").isEmpty();
        a.send(new Heartbeat("n1", "n2", 1, 3, 0));
        assertThat(counter(a.meterRegistry(), "raft.transport.messages.dropped", "reason", "unknown_peer"))
                .isEqualTo(1);
    }

    @Test
    void memberAddedAtRunTimeIsReachedAtItsAddress() {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(TestNodes.config().build());
        a.start(TestNodes.context("n1", Map.of("n1", members.get("n1"))), m -> { });
        NettyTransport b = open(TestNodes.config().build());
        ConcurrentLinkedQueue<Message> inboxB = new ConcurrentLinkedQueue<>();
        b.start(TestNodes.context("n2", members), inboxB::add);

        a.updateMembers(members);

        Heartbeat ping = new Heartbeat("n1", "n2", 1, 1, 0);
        await().atMost(WAIT).until(() -> {
            a.send(ping);
            return inboxB.contains(ping);
        });
        assertThat(counter(a.meterRegistry(), "raft.transport.messages.sent", "peer", "n2")).isPositive();
    }

    @Test
    void metricsCountMessagesAndBytesPerPeerOnBothSides() {
        Pair pair = pair(b -> b);
        for (int i = 0; i < 100; i++) {
            pair.a().send(new Heartbeat("n1", "n2", 1, i, 0));
        }

        await().atMost(WAIT).until(() -> pair.inboxB().size() == 100);
        MeterRegistry sent = pair.a().meterRegistry();
        MeterRegistry received = pair.b().meterRegistry();
        assertThat(counter(sent, "raft.transport.messages.sent", "peer", "n2")).isEqualTo(100);
        double bytes = counter(sent, "raft.transport.bytes.sent", "peer", "n2");
        assertThat(bytes).isGreaterThan(100 * 4);
        await().atMost(WAIT).until(() -> counter(received, "raft.transport.messages.received", "peer", "n1") == 100);
        // The receiver counts the same frames, plus nothing else (the Hello is not a message).
        assertThat(counter(received, "raft.transport.bytes.received", "peer", "n1")).isEqualTo(bytes);
        assertThat(sent.get("raft.transport.frame.size").tag("direction", "out").summary().count()).isEqualTo(100);
    }

    @Test
    void reconnectsAreCounted() {
        // the first connection succeeds; the peer then restarts on the same address, so the next
        // connection is a reconnect, whatever the timing of the event loops
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(TestNodes.config().build());
        a.start(TestNodes.context("n1", members), m -> { });
        Heartbeat ping = new Heartbeat("n1", "n2", 1, 1, 0);
        ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
        NettyTransport b = open(TestNodes.config().build());
        b.start(TestNodes.context("n2", members), inbox::add);
        await().atMost(WAIT).until(() -> {
            a.send(ping);
            return inbox.contains(ping);
        });
        assertThat(counter(a.meterRegistry(), "raft.transport.reconnects", "peer", "n2")).isZero();

        b.close();
        inbox.clear();
        open(TestNodes.config().build()).start(TestNodes.context("n2", members), inbox::add);
        await().atMost(WAIT).until(() -> {
            a.send(ping);
            return inbox.contains(ping);
        });

        assertThat(counter(a.meterRegistry(), "raft.transport.reconnects", "peer", "n2")).isPositive();
    }

    @Test
    void startTwiceIsRefused() {
        NettyTransport transport = open(TestNodes.config().build());
        TransportContext context = TestNodes.context("n1", Map.of("n1", TestNodes.loopback(0)));
        transport.start(context, m -> { });

        assertThatThrownBy(() -> transport.start(context, m -> { })).isInstanceOf(IllegalStateException.class);
    }

    private record Pair(NettyTransport a, NettyTransport b, ConcurrentLinkedQueue<Message> inboxB) {
    }

    private Pair pair(java.util.function.UnaryOperator<NettyTransportConfig.Builder> tune) {
        Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));
        NettyTransport a = open(tune.apply(TestNodes.config()).build());
        NettyTransport b = open(tune.apply(TestNodes.config()).build());
        ConcurrentLinkedQueue<Message> inboxB = new ConcurrentLinkedQueue<>();
        a.start(TestNodes.context("n1", members), m -> { });
        b.start(TestNodes.context("n2", members), inboxB::add);
        return new Pair(a, b, inboxB);
    }

    private NettyTransport open(NettyTransportConfig config) {
        NettyTransport transport = new NettyTransport(config);
        opened.add(transport);
        return transport;
    }

    static double counter(MeterRegistry registry, String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
