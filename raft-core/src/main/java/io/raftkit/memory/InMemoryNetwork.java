package io.raftkit.memory;

import io.raftkit.spi.message.Message;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process network of {@link InMemoryTransport}s, for tests and for embedding several nodes
 * in one JVM.
 *
 * <pre>{@code
 * InMemoryNetwork network = new InMemoryNetwork();
 * Transport t1 = network.transport("n1");
 * network.isolate("n2");   // n2 can neither send nor receive
 * network.heal();          // every node and link is back
 * }</pre>
 *
 * <p>Delivery is asynchronous: each node's messages are handed to its handler on that node's own
 * daemon thread, never on the sender's thread, as a real network would. Faults act on messages
 * at the moment they are sent: a message sent across a cut link is dropped and counted in
 * {@link #droppedMessages()}. All methods are thread-safe.
 */
public final class InMemoryNetwork implements AutoCloseable {

    /** Default bound on messages waiting for delivery to one node. */
    public static final int DEFAULT_QUEUE_CAPACITY = 100_000;

    private final int queueCapacity;
    private final Map<String, InMemoryTransport> nodes = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();
    private final Set<Link> blocked = ConcurrentHashMap.newKeySet();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();

    /** A network whose nodes each buffer up to {@link #DEFAULT_QUEUE_CAPACITY} undelivered messages. */
    public InMemoryNetwork() {
        this(DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * @param queueCapacity how many messages may wait for delivery to one node; beyond that new
     *                      messages are dropped (a real network loses packets too)
     */
    public InMemoryNetwork(int queueCapacity) {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be >= 1, was " + queueCapacity);
        }
        this.queueCapacity = queueCapacity;
    }

    /**
     * Creates the transport of a node. A node may get a new transport (a restart) once its
     * previous one is closed.
     *
     * @throws IllegalStateException if the node already has a transport that is not closed
     */
    public InMemoryTransport transport(String nodeId) {
        Objects.requireNonNull(nodeId, "nodeId");
        InMemoryTransport created = new InMemoryTransport(this, nodeId, queueCapacity);
        nodes.compute(nodeId, (id, existing) -> {
            if (existing != null && !existing.isClosed()) {
                throw new IllegalStateException("node " + id + " already has an open transport");
            }
            return created;
        });
        return created;
    }

    /** Cuts every link to and from the node until {@link #rejoin} or {@link #heal}. */
    public void isolate(String nodeId) {
        isolated.add(nodeId);
    }

    /** Undoes {@link #isolate} for one node; links blocked one by one stay blocked. */
    public void rejoin(String nodeId) {
        isolated.remove(nodeId);
    }

    /** Drops every message from {@code from} to {@code to} (one direction) until unblocked. */
    public void blockLink(String from, String to) {
        blocked.add(new Link(from, to));
    }

    /** Undoes {@link #blockLink} for one direction. */
    public void unblockLink(String from, String to) {
        blocked.remove(new Link(from, to));
    }

    /** Cuts both directions between two nodes. */
    public void partition(String a, String b) {
        blockLink(a, b);
        blockLink(b, a);
    }

    /** Restores every isolated node and blocked link. */
    public void heal() {
        isolated.clear();
        blocked.clear();
    }

    /** Whether a message sent now from {@code from} to {@code to} would cross the network. */
    public boolean canReach(String from, String to) {
        return !isolated.contains(from) && !isolated.contains(to) && !blocked.contains(new Link(from, to));
    }

    /** Messages lost so far: cut links, unknown or stopped destinations, full queues. */
    public long droppedMessages() {
        return dropped.get();
    }

    /** Messages handed to a handler so far. */
    public long deliveredMessages() {
        return delivered.get();
    }

    /** Closes every transport of the network. */
    @Override
    public void close() {
        nodes.values().forEach(InMemoryTransport::close);
    }

    /** Called by a transport on its sender's thread; never blocks. */
    void route(Message message) {
        InMemoryTransport destination = nodes.get(message.to());
        if (destination == null || !canReach(message.from(), message.to())
                || !destination.enqueue(message)) {
            dropped.incrementAndGet();
        }
    }

    void countDrop() {
        dropped.incrementAndGet();
    }

    void countDelivery() {
        delivered.incrementAndGet();
    }

    private record Link(String from, String to) {
    }
}
