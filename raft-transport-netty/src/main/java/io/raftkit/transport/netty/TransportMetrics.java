package io.raftkit.transport.netty;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftkit.spi.message.InvalidReason;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The transport's meters, all named {@code raft.transport.*} and tagged with this node's id.
 * Meters are created up front for every member, and for a member added later when it is added:
 * the hot path only increments.
 */
final class TransportMetrics {

    static final String PREFIX = "raft.transport.";
    /** Peer tag value for a recipient that is not a member (keeps the tag's cardinality bounded). */
    static final String UNKNOWN_PEER = "unknown";

    private final MeterRegistry registry;
    private final String node;
    private final Map<String, PeerMeters> peers = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
    private final DistributionSummary framesIn;
    private final DistributionSummary framesOut;
    /** Queue gauges by peer, so a removed member's go with it. */
    private final Map<String, List<Gauge>> gauges = new java.util.concurrent.ConcurrentHashMap<>();

    TransportMetrics(MeterRegistry registry, String node, Collection<String> peerIds) {
        this.registry = registry;
        this.node = node;
        for (String peer : peerIds) {
            peers.put(peer, new PeerMeters(peer));
        }
        peers.put(UNKNOWN_PEER, new PeerMeters(UNKNOWN_PEER));
        for (RejectReason reason : RejectReason.values()) {
            rejected.put(reason, Counter.builder(PREFIX + "connections.rejected")
                    .description("Connections closed for breaking the protocol or failing TLS")
                    .tags("node", node, "reason", reason.tag()).register(registry));
        }
        framesIn = frameSummary("in");
        framesOut = frameSummary("out");
    }

    /** The meters of a member, or of {@link #UNKNOWN_PEER} for anything else. */
    PeerMeters peer(String peerId) {
        PeerMeters meters = peers.get(peerId);
        return meters != null ? meters : peers.get(UNKNOWN_PEER);
    }

    /** Creates the meters of a member added after start (a member seen before keeps its counters). */
    void addPeer(String peerId) {
        peers.computeIfAbsent(peerId, PeerMeters::new);
    }

    /**
     * A member was removed: its queue gauges go (they point into closed queues); its counters keep
     * their totals, and count under {@link #UNKNOWN_PEER} from now on.
     */
    void removePeer(String peerId) {
        List<Gauge> removed = gauges.remove(peerId);
        if (removed != null) {
            removed.forEach(registry::remove);
        }
        peers.remove(peerId);
    }

    void rejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    void frameIn(int wireBytes) {
        framesIn.record(wireBytes);
    }

    /**
     * Registers gauges of a peer's outbound queue of one lane, in messages and in bytes (as the
     * queue weighs them), removed again by {@link #close}.
     */
    void queueGauges(String peer, Lane lane, Supplier<Number> size, Supplier<Number> bytes) {
        List<Gauge> mine = gauges.computeIfAbsent(peer, p -> new java.util.concurrent.CopyOnWriteArrayList<>());
        mine.add(Gauge.builder(PREFIX + "queue.size", size)
                .description("Messages waiting in the outbound queue of a peer's lane")
                .tags("node", node, "peer", peer, "lane", lane.tag()).strongReference(true).register(registry));
        mine.add(Gauge.builder(PREFIX + "queue.bytes", bytes).baseUnit("bytes")
                .description("Bytes waiting in the outbound queue of a peer's lane")
                .tags("node", node, "peer", peer, "lane", lane.tag()).strongReference(true).register(registry));
    }

    /** Removes the gauges that point into this transport (counters keep their totals). */
    void close() {
        gauges.values().forEach(list -> list.forEach(registry::remove));
        gauges.clear();
    }

    private DistributionSummary frameSummary(String direction) {
        return DistributionSummary.builder(PREFIX + "frame.size").baseUnit("bytes")
                .description("Size of frames on the wire, length prefix included")
                .tags("node", node, "direction", direction).register(registry);
    }

    /** Counters of one peer. */
    final class PeerMeters {
        private final Counter sentMessages;
        private final Counter sentBytes;
        private final Counter receivedMessages;
        private final Counter receivedBytes;
        private final Counter reconnects;
        private final Map<DropReason, Counter> dropped = new EnumMap<>(DropReason.class);

        private PeerMeters(String peer) {
            sentMessages = counter("messages.sent", peer, "Messages written to the peer's connection");
            sentBytes = counter("bytes.sent", peer, "Bytes written to the peer's connection");
            receivedMessages = counter("messages.received", peer, "Messages received from the peer");
            receivedBytes = counter("bytes.received", peer, "Bytes received from the peer");
            reconnects = counter("reconnects", peer, "Connection attempts after the first one");
            for (DropReason reason : DropReason.values()) {
                dropped.put(reason, Counter.builder(PREFIX + "messages.dropped")
                        .description("Outbound messages not sent")
                        .tags("node", node, "peer", peer, "reason", reason.tag()).register(registry));
            }
        }

        void sent(int wireBytes) {
            sentMessages.increment();
            sentBytes.increment(wireBytes);
            framesOut.record(wireBytes);
        }

        void received(int wireBytes) {
            receivedMessages.increment();
            receivedBytes.increment(wireBytes);
        }

        void reconnect() {
            reconnects.increment();
        }

        void dropped(DropReason reason) {
            dropped.get(reason).increment();
        }

        void dropped(DropReason reason, int count) {
            dropped.get(reason).increment(count);
        }

        private Counter counter(String name, String peer, String description) {
            return Counter.builder(PREFIX + name).description(description)
                    .tags("node", node, "peer", peer).register(registry);
        }
    }
}
