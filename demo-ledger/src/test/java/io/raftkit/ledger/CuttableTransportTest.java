package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.memory.InMemoryNetwork;
import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.TimeoutNow;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cutting a node off drops its messages both ways, leaves the other links alone, and heals. */
class CuttableTransportTest {

    private static final List<String> IDS = List.of("n1", "n2", "n3");

    private final InMemoryNetwork network = new InMemoryNetwork();
    private final NetworkCut cut = new NetworkCut();
    private final Map<String, Transport> transports = new LinkedHashMap<>();
    private final Map<String, Queue<Message>> inboxes = new LinkedHashMap<>();

    @AfterEach
    void close() {
        transports.values().forEach(Transport::close);
        network.close();
    }

    private Transport start(String id, boolean cuttable) {
        Transport t = cuttable ? new CuttableTransport(network.transport(id), cut) : network.transport(id);
        Queue<Message> inbox = new ConcurrentLinkedQueue<>();
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        IDS.forEach(m -> members.put(m, new InetSocketAddress("127.0.0.1", 1)));
        t.start(new TransportContext(id, ClusterId.derive("cut", IDS), members), inbox::add);
        transports.put(id, t);
        inboxes.put(id, inbox);
        return t;
    }

    private void startAll() {
        IDS.forEach(id -> start(id, true));
    }

    private static Message msg(String from, String to, long term) {
        return new TimeoutNow(from, to, term);
    }

    @Test
    void anIsolatedNodeNeitherSendsNorReceivesWhileTheOthersStillTalk() {
        startAll();
        cut.isolate("n2");
        transports.get("n1").send(msg("n1", "n2", 1));
        transports.get("n2").send(msg("n2", "n1", 2));
        transports.get("n2").send(msg("n2", "n3", 3));
        transports.get("n1").send(msg("n1", "n3", 4));

        // the cut drops at the sender, at once: nothing of the first three is on its way
        await().atMost(Duration.ofSeconds(5)).until(() -> inboxes.get("n3").stream().anyMatch(m -> m.term() == 4));
        assertThat(inboxes.get("n2")).isEmpty();
        assertThat(inboxes.get("n1")).isEmpty();
        assertThat(inboxes.get("n3")).extracting(Message::term).containsExactly(4L);
        assertThat(((CuttableTransport) transports.get("n2")).dropped()).isEqualTo(2);
    }

    @Test
    void healingLetsMessagesThroughAgain() {
        startAll();
        cut.isolate("n3");
        cut.heal("n3");
        transports.get("n1").send(msg("n1", "n3", 7));
        transports.get("n3").send(msg("n3", "n1", 8));

        await().atMost(Duration.ofSeconds(5)).until(() -> !inboxes.get("n3").isEmpty() && !inboxes.get("n1").isEmpty());
        assertThat(cut.isolated()).isEmpty();
    }

    @Test
    void aMessageArrivingForAnIsolatedNodeIsDroppedOnReceipt() {
        // n1's transport knows nothing of the cut (as a message already in flight when the cut is made)
        start("n1", false);
        start("n2", true);
        start("n3", true);
        cut.isolate("n2");
        transports.get("n1").send(msg("n1", "n2", 5));

        // each node's deliveries run on its own thread: wait for the drop itself, then look
        CuttableTransport n2 = (CuttableTransport) transports.get("n2");
        await().atMost(Duration.ofSeconds(5)).until(() -> n2.dropped() == 1);
        assertThat(inboxes.get("n2")).isEmpty();
    }
}
