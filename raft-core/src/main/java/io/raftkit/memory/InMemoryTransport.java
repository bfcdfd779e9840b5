package io.raftkit.memory;

import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's {@link Transport} on an {@link InMemoryNetwork}; created by
 * {@link InMemoryNetwork#transport(String)}.
 *
 * <p>Messages are passed by reference (records are immutable; payload arrays are shared, as the
 * SPI allows) and handed to this node's handler on a single daemon thread of its own, so the
 * handler sees one node's inbound messages one at a time and in the order they were sent.
 */
public final class InMemoryTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(InMemoryTransport.class);

    private enum State { NEW, STARTED, CLOSED }

    private final InMemoryNetwork network;
    private final String nodeId;
    private final int queueCapacity;
    private final AtomicInteger queued = new AtomicInteger();
    private final Object lifecycle = new Object();
    private volatile State state = State.NEW;
    private volatile Consumer<Message> inbound;
    /** Who may send to and receive from this node: the context's members, then the last update's. */
    private volatile Set<String> members = Set.of();
    private ExecutorService delivery;

    InMemoryTransport(InMemoryNetwork network, String nodeId, int queueCapacity) {
        this.network = network;
        this.nodeId = nodeId;
        this.queueCapacity = queueCapacity;
    }

    /** The node this transport belongs to. */
    public String nodeId() {
        return nodeId;
    }

    /**
     * Starts delivery. The network routes by node id, so of the context only the node id and the
     * member ids are used: the node id must be the one this transport was created for, and only
     * members are sent to or heard from.
     */
    @Override
    public void start(TransportContext context, Consumer<Message> inbound) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(inbound, "inbound");
        if (!nodeId.equals(context.nodeId())) {
            throw new IllegalArgumentException("transport of " + nodeId + " started as " + context.nodeId());
        }
        synchronized (lifecycle) {
            if (state != State.NEW) {
                throw new IllegalStateException("transport of " + nodeId + " is " + state);
            }
            this.inbound = inbound;
            this.members = Set.copyOf(context.members().keySet());
            this.delivery = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "raftkit-memory-" + nodeId);
                thread.setDaemon(true);
                return thread;
            });
            state = State.STARTED;
        }
    }

    /** No limit: messages are passed by reference. */
    @Override
    public long maxMessageBytes() {
        return Long.MAX_VALUE;
    }

    /** Routes the message; from any thread, never blocks. */
    @Override
    public void send(Message message) {
        // A message claiming another sender is dropped here, as the Netty transport does, so
        // tests cannot pass in memory and fail over the network.
        if (state != State.STARTED || !nodeId.equals(message.from()) || !members.contains(message.to())) {
            network.countDrop();
            return;
        }
        network.route(message);
    }

    /** Only the ids matter here: the network routes by id. */
    @Override
    public void updateMembers(Map<String, InetSocketAddress> members) {
        Set<String> ids = new java.util.HashSet<>(members.keySet());
        ids.add(nodeId);
        this.members = Set.copyOf(ids);
    }

    @Override
    public void close() {
        ExecutorService toStop;
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            toStop = delivery;
        }
        if (toStop != null) {
            toStop.shutdownNow();
            try {
                // Bounded: a handler stuck in a blocking call must not hang close() forever.
                if (!toStop.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("delivery thread of {} did not stop within 5 s", nodeId);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Queues a message for this node's handler; false if it cannot be accepted. */
    boolean enqueue(Message message) {
        if (state != State.STARTED) {
            return false;
        }
        if (queued.incrementAndGet() > queueCapacity) {
            queued.decrementAndGet();
            return false;
        }
        try {
            delivery.execute(() -> deliver(message));
            return true;
        } catch (RejectedExecutionException closedMeanwhile) {
            queued.decrementAndGet();
            return false;
        }
    }

    private void deliver(Message message) {
        queued.decrementAndGet();
        if (state != State.STARTED || !members.contains(message.from())) {
            network.countDrop(); // closed, or the sender is not (or no longer) a member
            return;
        }
        try {
            inbound.accept(message);
            network.countDelivery();
        } catch (RuntimeException e) {
            // The handler's bug must not stop delivery of the messages behind this one.
            log.error("inbound handler of {} failed on {}", nodeId, message, e);
        }
    }
}
