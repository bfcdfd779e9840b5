package io.raftkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import io.raftkit.spi.message.SnapshotChunk;
import io.raftkit.spi.message.SnapshotResponse;
import io.raftkit.spi.message.TimeoutNow;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Transport} must show, run against each implementation by a subclass
 * that supplies a {@link TransportFixture}:
 *
 * <pre>{@code
 * class MyTransportContractTest extends TransportContractTest {
 *     protected TransportFixture newFixture(List<String> nodeIds) { ... }
 *     protected int largePayloadBytes() { return MAX_FRAME - 1024; }
 * }
 * }</pre>
 *
 * <p>The suite checks delivery of every message kind unaltered, big messages near the
 * implementation's limit and appends of exactly its {@link Transport#maxMessageBytes()}, bursts
 * of small messages delivered at most once, concurrent sends from several threads, sends that
 * never block or throw (peer down, unknown peer, after close), nothing delivered after close,
 * reconnection after a peer restarts or comes up late, and that closing leaves no thread behind. It asserts no ordering and tolerates
 * loss only where the peer is down: on a healthy link a burst within the implementation's
 * buffering must arrive whole.
 *
 * <p>Transport threads must be named starting with {@code raftkit-} so the thread check can
 * find them.
 */
public abstract class TransportContractTest {

    /** Makes the transports of one test's nodes. One fixture per test. */
    protected interface TransportFixture extends AutoCloseable {

        /**
         * A new, not yet started transport for {@code nodeId}. Called again for the same node once
         * its previous transport is closed, it stands for a restart: the new transport must be
         * reachable where the old one was.
         */
        Transport newTransport(String nodeId);

        /** What the suite starts the node's transport with: the same members for every node. */
        TransportContext context(String nodeId);

        /** Releases what the fixture holds beyond the transports, which the suite closes itself. */
        @Override
        default void close() {
        }
    }

    /** Node ids of the cluster every test runs with. */
    protected static final List<String> NODE_IDS = List.of("n1", "n2", "n3");

    /**
     * The fixture's nodes: {@link #NODE_IDS} and {@code n4}, a node that is not a member until a
     * test adds it with {@link Transport#updateMembers}.
     */
    protected static final List<String> FIXTURE_IDS = List.of("n1", "n2", "n3", "n4");

    private static final String THREAD_PREFIX = "raftkit-";

    private TransportFixture fixture;
    private final List<Transport> opened = new ArrayList<>();

    /** A fixture for a cluster of the given nodes. */
    protected abstract TransportFixture newFixture(List<String> nodeIds);

    /**
     * Size of an entry payload that fills one message close to the implementation's maximum
     * message size (within a few hundred bytes of it).
     */
    protected abstract int largePayloadBytes();

    /**
     * How many small messages one burst sends without pause; they must all arrive. Must not
     * exceed what the implementation buffers for one peer.
     */
    protected int burstSize() {
        return 5_000;
    }

    /** Bound on every wait. */
    protected Duration timeout() {
        return Duration.ofSeconds(15);
    }

    @BeforeEach
    void createFixture() {
        fixture = newFixture(FIXTURE_IDS);
    }

    @AfterEach
    void closeEverything() {
        opened.forEach(Transport::close);
        fixture.close();
    }

    @Test
    void everyMessageKindArrivesUnaltered() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        List<Message> sent = sampleMessages("n1", "n2");
        assertThat(sent.stream().map(Message::kind).collect(Collectors.toSet()))
                .as("samples cover every kind").isEqualTo(EnumSet.allOf(Message.Kind.class));

        sent.forEach(n1.transport()::send);

        waitUntil(() -> n2.inbox().size() >= sent.size());
        assertThat(n2.inbox().messages()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(n1.inbox().messages()).isEmpty();
    }

    @Test
    void eachMessageReachesOnlyTheNodeItIsAddressedTo() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        Node n3 = startNode("n3");
        Message toN2 = new Heartbeat("n1", "n2", 3, 20, 0);
        Message toN3 = new Heartbeat("n1", "n3", 3, 30, 0);
        Message fromN2 = new HeartbeatResponse("n2", "n1", 3, 0);
        Message fromN3 = new HeartbeatResponse("n3", "n1", 3, 0);

        n1.transport().send(toN2);
        n1.transport().send(toN3);
        n2.transport().send(fromN2);
        n3.transport().send(fromN3);

        waitUntil(() -> n1.inbox().size() == 2 && n2.inbox().size() == 1 && n3.inbox().size() == 1);
        assertThat(n1.inbox().messages()).containsExactlyInAnyOrder(fromN2, fromN3);
        assertThat(n2.inbox().messages()).containsExactly(toN2);
        assertThat(n3.inbox().messages()).containsExactly(toN3);
    }

    @Test
    void largeMessageNearTheLimitArrives() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        byte[] payload = new byte[largePayloadBytes()];
        new Random(42).nextBytes(payload);
        Message big = new AppendRequest("n1", "n2", 7, 99, 6,
                List.of(Entry.command(100, 7, payload)), 98);
        Message small = new Heartbeat("n1", "n2", 7, 98, 1);

        n1.transport().send(big);
        n1.transport().send(small);

        waitUntil(() -> n2.inbox().size() == 2);
        assertThat(n2.inbox().messages()).containsExactlyInAnyOrder(big, small);
    }

    @Test
    void burstOfSmallMessagesArrivesWholeAndExactlyOnce() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        int count = burstSize();

        for (int i = 0; i < count; i++) {
            n1.transport().send(new Heartbeat("n1", "n2", 1, i, i));
        }

        waitUntil(() -> n2.inbox().size() >= count);
        List<Long> commits = n2.inbox().messages().stream()
                .map(m -> ((Heartbeat) m).commit()).collect(Collectors.toList());
        assertThat(commits).hasSize(count).doesNotHaveDuplicates();
        assertThat(Set.copyOf(commits))
                .isEqualTo(LongStream.range(0, count).boxed().collect(Collectors.toSet()));
    }

    @Test
    void messagesFlowBothWaysAtOnce() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        int count = 1_000;

        for (int i = 0; i < count; i++) {
            n1.transport().send(new AppendResponse("n1", "n2", 2, true, i, 0, 0));
            n2.transport().send(new AppendResponse("n2", "n1", 2, true, i, 0, 0));
        }

        waitUntil(() -> n1.inbox().size() == count && n2.inbox().size() == count);
        assertThat(n1.inbox().messages()).allMatch(m -> m.from().equals("n2") && m.to().equals("n1"));
        assertThat(n2.inbox().messages()).allMatch(m -> m.from().equals("n1") && m.to().equals("n2"));
    }

    @Test
    void sendToUnknownNodeIsDroppedQuietly() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");

        assertThatCode(() -> n1.transport().send(new TimeoutNow("n1", "stranger", 4)))
                .doesNotThrowAnyException();

        Message marker = new TimeoutNow("n1", "n2", 4);
        n1.transport().send(marker);
        waitUntil(() -> n2.inbox().size() == 1);
        assertThat(n2.inbox().messages()).containsExactly(marker);
    }

    @Test
    void messageClaimingAnotherSenderIsNotDelivered() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        Message forged = new Heartbeat("n3", "n2", 9, 9, 0);
        Message genuine = new Heartbeat("n1", "n2", 9, 9, 0);

        n1.transport().send(forged);
        n1.transport().send(genuine);

        // Either the sender drops the forged message or the receiver refuses it; it may take the
        // connection down with it, so the genuine one is resent until it arrives.
        waitUntilResending(n1, genuine, n2);
        assertThat(n2.inbox().messages()).doesNotContain(forged);
    }

    @Test
    void sendNeverBlocksWhileThePeerIsDownAndReachesItOnceItComesUp() {
        Node n1 = startNode("n1");

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 20_000; i++) {
                n1.transport().send(new Heartbeat("n1", "n2", 1, i, 0));
            }
        }, "sending to a node that is down must not block");

        Node n2 = startNode("n2");
        Message marker = new VoteRequest("n1", "n2", 2, 10, 1, false, false);
        waitUntilResending(n1, marker, n2);
    }

    @Test
    void peerRestartIsReconnectedInBothDirections() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        waitUntilResending(n1, new Heartbeat("n1", "n2", 1, 1, 0), n2);

        n2.transport().close();
        int deliveredBeforeClose = n2.inbox().size();
        assertThatCode(() -> {
            for (int i = 0; i < 100; i++) {
                n1.transport().send(new Heartbeat("n1", "n2", 1, 2, i));
            }
        }).as("sending to a stopped peer").doesNotThrowAnyException();

        Node restarted = startNode("n2");
        waitUntilResending(n1, new Heartbeat("n1", "n2", 2, 3, 0), restarted);
        waitUntilResending(restarted, new HeartbeatResponse("n2", "n1", 2, 0), n1);
        assertThat(n2.inbox().size())
                .as("a closed transport hands nothing more to its handler")
                .isEqualTo(deliveredBeforeClose);
    }

    @Test
    void closeIsIdempotentAndSendAfterCloseIsDropped() {
        Node n1 = startNode("n1");
        startNode("n2");

        n1.transport().close();

        assertThatCode(() -> {
            n1.transport().close();
            n1.transport().send(new Heartbeat("n1", "n2", 1, 1, 0));
        }).doesNotThrowAnyException();
    }

    @Test
    void closeLeavesNoTransportThreadBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        waitUntilResending(n1, new Heartbeat("n1", "n2", 1, 1, 0), n2);
        waitUntilResending(n2, new HeartbeatResponse("n2", "n1", 1, 0), n1);

        n1.transport().close();
        n2.transport().close();

        waitUntil(() -> Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .noneMatch(t -> t.getName().startsWith(THREAD_PREFIX)));
    }

    @Test
    void concurrentSendersFromSeveralThreadsDeliverEveryMessageUnalteredAtMostOnce() throws Exception {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        int threads = 4;
        int perThread = 500;
        List<Message> sent = new ArrayList<>();
        List<List<Message>> byThread = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Message> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                long tag = t * 1_000_000L + i + 1;
                // Control messages and appends mixed, so every lane of a transport is used at once.
                mine.add(switch (i % 3) {
                    case 0 -> new Heartbeat("n1", "n2", 1, tag, tag);
                    case 1 -> new AppendRequest("n1", "n2", 1, tag, 1,
                            List.of(Entry.command(tag + 1, 1, payload(tag, 200))), tag);
                    default -> new VoteRequest("n1", "n2", tag, tag, 1, false, false);
                });
            }
            byThread.add(mine);
            sent.addAll(mine);
        }
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
        List<Thread> senders = new ArrayList<>();
        for (List<Message> mine : byThread) {
            Thread sender = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                mine.forEach(n1.transport()::send);
            }, "contract-sender");
            senders.add(sender);
            sender.start();
        }
        for (Thread sender : senders) {
            sender.join(timeout().toMillis());
        }

        waitUntil(() -> n2.inbox().size() >= sent.size());
        assertThat(n2.inbox().messages()).as("every message exactly once, unaltered")
                .hasSize(sent.size()).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void afterCloseReturnsNothingMoreReachesTheHandler() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        Node n3 = startNode("n3");
        waitUntilResending(n1, new Heartbeat("n1", "n2", 1, 1, 0), n2);

        n2.transport().close();
        int delivered = n2.inbox().size();
        for (int i = 0; i < 1_000; i++) {
            n1.transport().send(new Heartbeat("n1", "n2", 1, 2, i));
        }
        assertThatCode(() -> n2.transport().send(new HeartbeatResponse("n2", "n1", 1, 0)))
                .as("a closed transport drops sends").doesNotThrowAnyException();
        // n3 hearing from n1 shows the sends above had time to travel.
        waitUntilResending(n1, new Heartbeat("n1", "n3", 1, 3, 0), n3);
        assertThat(n2.inbox().size()).isEqualTo(delivered);
        assertThat(n1.inbox().messages()).doesNotContain(new HeartbeatResponse("n2", "n1", 1, 0));
    }

    @Test
    void appendsOfTheAdvertisedMaximumSizeArrive() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        long max = n1.transport().maxMessageBytes();
        assertThat(max).as("maxMessageBytes").isGreaterThan(Entry.OVERHEAD_BYTES);
        if (max > largePayloadBytes() + Entry.OVERHEAD_BYTES) {
            return; // no finite limit to probe: largeMessageNearTheLimitArrives covers big messages
        }
        long base = 1L << 62; // the widest indexes and terms a log can hold cost the most on a wire
        Message oneEntry = new AppendRequest("n1", "n2", base, base, base,
                List.of(Entry.command(base + 1, base, payload(1, (int) max - Entry.OVERHEAD_BYTES))), base);
        List<Entry> empties = new ArrayList<>();
        for (int i = 0; i < max / Entry.OVERHEAD_BYTES; i++) {
            empties.add(Entry.noop(base + 1 + i, base));
        }
        Message manyEntries = new AppendRequest("n1", "n2", base, base, base, empties, base);

        n1.transport().send(oneEntry);
        n1.transport().send(manyEntries);

        waitUntil(() -> n2.inbox().size() == 2);
        assertThat(n2.inbox().messages()).containsExactlyInAnyOrder(oneEntry, manyEntries);
    }

    @Test
    void updateMembersLetsANewMemberInBothWays() {
        Node n1 = startNode("n1");
        Node n4 = startNode("n4", FIXTURE_IDS); // a joining node knows the members it joins
        Message early = new Heartbeat("n4", "n1", 1, 0, 1);
        n4.transport().send(early);
        Node n2 = startNode("n2");
        waitUntilResending(n2, new Heartbeat("n2", "n1", 1, 0, 2), n1);
        assertThat(n1.inbox().messages()).as("a message from a node that is not a member yet")
                .doesNotContain(early);

        n1.transport().updateMembers(addresses(FIXTURE_IDS));

        waitUntilResending(n1, new Heartbeat("n1", "n4", 1, 0, 3), n4);
        waitUntilResending(n4, new HeartbeatResponse("n4", "n1", 1, 3), n1);
    }

    @Test
    void updateMembersShutsOutARemovedMember() {
        Node n1 = startNode("n1");
        Node n2 = startNode("n2");
        Node n3 = startNode("n3");
        waitUntilResending(n3, new Heartbeat("n3", "n1", 1, 0, 1), n1);
        waitUntilResending(n1, new Heartbeat("n1", "n3", 1, 0, 1), n3);

        n1.transport().updateMembers(addresses(List.of("n1", "n2")));

        Message fromRemoved = new Heartbeat("n3", "n1", 1, 0, 2);
        Message toRemoved = new Heartbeat("n1", "n3", 1, 0, 2);
        for (int i = 0; i < 100; i++) {
            n3.transport().send(fromRemoved);
            n1.transport().send(toRemoved);
        }
        // n2 and n1 hearing each other shows the sends above had time to travel.
        waitUntilResending(n2, new Heartbeat("n2", "n1", 1, 0, 3), n1);
        waitUntilResending(n1, new Heartbeat("n1", "n2", 1, 0, 3), n2);
        waitUntilResending(n3, new Heartbeat("n3", "n2", 1, 0, 3), n2);
        assertThat(n1.inbox().messages()).as("from the removed member").doesNotContain(fromRemoved);
        assertThat(n3.inbox().messages()).as("to the removed member").doesNotContain(toRemoved);

        n1.transport().updateMembers(addresses(NODE_IDS));
        waitUntilResending(n3, new Heartbeat("n3", "n1", 1, 0, 4), n1);
    }

    private static byte[] payload(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Starts a new transport for the node, a member of {@link #NODE_IDS}, with a fresh inbox. */
    protected final Node startNode(String nodeId) {
        return startNode(nodeId, NODE_IDS);
    }

    /** Starts a new transport for the node with a fresh inbox; it knows only the given members. */
    protected final Node startNode(String nodeId, Collection<String> memberIds) {
        Transport transport = fixture.newTransport(nodeId);
        opened.add(transport);
        Inbox inbox = new Inbox();
        TransportContext full = fixture.context(nodeId);
        transport.start(new TransportContext(nodeId, full.clusterId(), addresses(memberIds)), inbox);
        return new Node(nodeId, transport, inbox);
    }

    /** The fixture's addresses of the given nodes. */
    protected final Map<String, java.net.InetSocketAddress> addresses(Collection<String> ids) {
        Map<String, java.net.InetSocketAddress> all = fixture.context(FIXTURE_IDS.get(0)).members();
        Map<String, java.net.InetSocketAddress> chosen = new java.util.LinkedHashMap<>();
        ids.forEach(id -> chosen.put(id, all.get(id)));
        return chosen;
    }

    /** Waits, within {@link #timeout()}, until the condition holds. */
    protected final void waitUntil(java.util.concurrent.Callable<Boolean> condition) {
        awaiting().until(condition);
    }

    /**
     * Sends the message again at every poll until the receiver has it: the way Raft itself
     * retries, and what a transport needs after a peer restarts.
     */
    protected final void waitUntilResending(Node sender, Message message, Node receiver) {
        awaiting().until(() -> {
            sender.transport().send(message);
            return receiver.inbox().contains(message);
        });
    }

    private ConditionFactory awaiting() {
        return await().atMost(timeout()).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20));
    }

    /** One message of every kind, with edge values (empty and large fields, extreme numbers). */
    public static List<Message> sampleMessages(String from, String to) {
        byte[] command = new byte[300];
        new Random(7).nextBytes(command);
        ClusterConfig joint = new ClusterConfig(Set.of("n1", "n2", "n4"), Set.of("n1", "n2", "n3"));
        List<Entry> entries = List.of(
                Entry.noop(11, 5),
                Entry.command(12, 5, command),
                Entry.command(13, 5, new byte[0]),
                Entry.config(14, 5, joint));
        byte[] chunk = new byte[1000];
        new Random(8).nextBytes(chunk);
        return List.of(
                new VoteRequest(from, to, 6, 14, 5, true, false),
                new VoteRequest(from, to, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, false, true),
                new VoteResponse(from, to, 6, true, true),
                new VoteResponse(from, to, 0, false, false),
                new AppendRequest(from, to, 5, 10, 4, entries, 9),
                new AppendRequest(from, to, 5, 14, 5, List.of(), 14),
                new AppendResponse(from, to, 5, true, 14, 0, 0),
                new AppendResponse(from, to, 5, false, 10, 7, 3),
                new Heartbeat(from, to, 5, 14, 77),
                new HeartbeatResponse(from, to, 5, 77),
                new SnapshotChunk(from, to, 5, new SnapshotMeta(1000, 4, joint), 0, chunk, false),
                new SnapshotChunk(from, to, 5, new SnapshotMeta(1000, 4, ClusterConfig.of("n1")),
                        1000, new byte[0], true),
                // every field set, the checksums with their high bit (fixed32 on the wire)
                new SnapshotChunk(from, to, 5, new SnapshotMeta(1000, 4, ClusterConfig.of("n1")),
                        4096, chunk, false, 0xCAFEBABE, 1L << 33, 0x80000001),
                // a configuration with learners, addresses and the cluster id (membership changes)
                new SnapshotChunk(from, to, 5, new SnapshotMeta(1000, 4, new ClusterConfig(Set.of("n1", "n2"),
                        Set.of(), Set.of("n4"), Map.of("n4", "127.0.0.1:7004/127.0.0.1:8084"), "ledger-0123")),
                        0, chunk, false),
                new SnapshotResponse(from, to, 5, 1000, 1000, false, false),
                new SnapshotResponse(from, to, 5, 1000, 0, true, true),
                new TimeoutNow(from, to, 5),
                new ForwardRequest(from, to, 5, 12, new byte[] {1, 2, 3}),
                new ForwardResponse(from, to, 5, 12, RouteStatus.OK, new byte[] {4}, null),
                new ForwardResponse(from, to, 5, 13, RouteStatus.NOT_LEADER, new byte[0], "n3"),
                new ReadIndexRequest(from, to, 5, 14, true),
                new ReadIndexResponse(from, to, 5, 14, RouteStatus.OK, 99, null),
                new ReadIndexResponse(from, to, 5, 15, RouteStatus.OVERLOADED, 0, "n3"),
                // batches: a loop turn's requests, an apply batch's answers
                new ForwardRequest(from, to, 5, List.of(new ForwardRequest.Command(16, new byte[] {5}),
                        new ForwardRequest.Command(17, new byte[0]), new ForwardRequest.Command(1L << 40, chunk))),
                new ForwardResponse(from, to, 5, List.of(
                        new ForwardResponse.Answer(16, RouteStatus.OK, new byte[] {6, 7}, null),
                        new ForwardResponse.Answer(17, RouteStatus.UNKNOWN_OUTCOME, new byte[0], null),
                        new ForwardResponse.Answer(18, RouteStatus.NOT_LEADER, new byte[0], "n3"))),
                new ReadIndexRequest(from, to, 5, List.of(new ReadIndexRequest.Read(19, false),
                        new ReadIndexRequest.Read(20, true))),
                new ReadIndexResponse(from, to, 5, List.of(
                        new ReadIndexResponse.Answer(19, RouteStatus.OK, 1L << 41, null),
                        new ReadIndexResponse.Answer(20, RouteStatus.NOT_LEADER, 0, "n3"))));
    }

    /** A started transport of one node and the messages it received. */
    protected record Node(String id, Transport transport, Inbox inbox) {
    }

    /** Collects what a transport hands to its handler; thread-safe. */
    protected static final class Inbox implements Consumer<Message> {
        private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();

        @Override
        public void accept(Message message) {
            received.add(message);
        }

        public int size() {
            return received.size();
        }

        public boolean contains(Message message) {
            return received.contains(message);
        }

        public List<Message> messages() {
            return List.copyOf(received);
        }

        /** Received messages counted by sender, for tests that check routing. */
        public Map<String, Long> countBySender() {
            Map<String, Long> counts = new HashMap<>();
            received.forEach(m -> counts.merge(m.from(), 1L, Long::sum));
            return counts;
        }
    }
}
