package io.raftkit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryNetworkTest {

    private final InMemoryNetwork network = new InMemoryNetwork();
    private final ConcurrentLinkedQueue<Message> atN1 = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Message> atN2 = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void deliversOnTheReceiversThreadNotTheSenders() {
        List<String> threads = new CopyOnWriteArrayList<>();
        InMemoryTransport n1 = network.transport("n1");
        n1.start(context("n1"), atN1::add);
        network.transport("n2").start(context("n2"), m -> threads.add(Thread.currentThread().getName()));

        n1.send(heartbeat("n1", "n2", 1));

        await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == 1);
        assertThat(threads).containsExactly("raftkit-memory-n2");
    }

    @Test
    void isolatedNodeNeitherSendsNorReceivesUntilHealed() {
        InMemoryTransport n1 = started("n1", atN1);
        InMemoryTransport n2 = started("n2", atN2);
        network.isolate("n2");

        n1.send(heartbeat("n1", "n2", 1));
        n2.send(heartbeat("n2", "n1", 1));

        assertThat(network.droppedMessages()).isEqualTo(2);
        network.heal();
        n1.send(heartbeat("n1", "n2", 2));
        n2.send(heartbeat("n2", "n1", 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> atN1.size() == 1 && atN2.size() == 1);
        assertThat(atN2).containsExactly(heartbeat("n1", "n2", 2));
    }

    @Test
    void blockedLinkDropsOneDirectionOnly() {
        InMemoryTransport n1 = started("n1", atN1);
        InMemoryTransport n2 = started("n2", atN2);
        network.blockLink("n1", "n2");

        n1.send(heartbeat("n1", "n2", 1));
        n2.send(heartbeat("n2", "n1", 1));

        await().atMost(Duration.ofSeconds(5)).until(() -> atN1.size() == 1);
        assertThat(network.droppedMessages()).isEqualTo(1);
        assertThat(network.canReach("n1", "n2")).isFalse();
        assertThat(network.canReach("n2", "n1")).isTrue();

        network.unblockLink("n1", "n2");
        n1.send(heartbeat("n1", "n2", 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> atN2.size() == 1);
    }

    @Test
    void rejoinUndoesIsolationOfThatNodeOnly() {
        network.isolate("n2");
        network.isolate("n3");
        network.rejoin("n2");

        assertThat(network.canReach("n1", "n2")).isTrue();
        assertThat(network.canReach("n1", "n3")).isFalse();
    }

    @Test
    void nodeGetsANewTransportOnlyAfterClosingTheOldOne() {
        InMemoryTransport first = network.transport("n1");

        assertThatThrownBy(() -> network.transport("n1"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("n1");
        first.close();
        assertThat(network.transport("n1")).isNotSameAs(first);
    }

    @Test
    void startingTwiceIsRejected() {
        InMemoryTransport n1 = started("n1", atN1);

        assertThatThrownBy(() -> n1.start(context("n1"), atN1::add)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fullQueueDropsNewMessages() {
        InMemoryNetwork tiny = new InMemoryNetwork(1);
        try (tiny) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            InMemoryTransport n1 = tiny.transport("n1");
            n1.start(context("n1"), m -> { });
            tiny.transport("n2").start(context("n2"), m -> awaitLatch(release));

            // The first is taken by the (blocked) handler, the second waits, the rest are dropped.
            for (int i = 0; i < 10; i++) {
                n1.send(heartbeat("n1", "n2", i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> tiny.droppedMessages() >= 8);
            release.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> tiny.deliveredMessages() + tiny.droppedMessages() == 10);
        }
    }

    @Test
    void handlerFailureDoesNotStopDelivery() {
        InMemoryTransport n1 = started("n1", atN1);
        network.transport("n2").start(context("n2"), m -> {
            atN2.add(m);
            throw new IllegalStateException("handler bug");
        });

        n1.send(heartbeat("n1", "n2", 1));
        n1.send(heartbeat("n1", "n2", 2));

        await().atMost(Duration.ofSeconds(5)).until(() -> atN2.size() == 2);
    }

    private InMemoryTransport started(String id, ConcurrentLinkedQueue<Message> inbox) {
        InMemoryTransport transport = network.transport(id);
        transport.start(context(id), inbox::add);
        return transport;
    }

    private static Heartbeat heartbeat(String from, String to, long commit) {
        return new Heartbeat(from, to, 1, commit, 0);
    }

    private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static TransportContext context(String id) {
        InetSocketAddress unused = new InetSocketAddress("127.0.0.1", 1);
        Map<String, InetSocketAddress> members = new java.util.HashMap<>(Map.of("n1", unused, "n2", unused));
        members.put(id, unused);
        return new TransportContext(id, "test", members);
    }
}
