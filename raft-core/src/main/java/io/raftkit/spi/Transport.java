package io.raftkit.spi;

import io.raftkit.spi.message.Message;
import java.util.function.Consumer;

/**
 * Carries Raft messages between nodes.
 *
 * <p>Delivery is best effort: a message may be lost, duplicated, delayed or reordered, and Raft
 * tolerates all of these. What a transport must do:
 * <ul>
 *   <li>{@link #send} never blocks the caller (it runs on the Raft loop) and never throws for a
 *       network problem: an unreachable peer means the message is dropped (and counted).</li>
 *   <li>A message is delivered at most once per send to the node named by {@link Message#to()},
 *       unaltered, or not at all.</li>
 *   <li>Inbound messages are handed to the handler given to {@link #start}; the handler is
 *       thread-safe and fast (it enqueues), and may be called from any transport thread.</li>
 *   <li>Messages from a node outside the cluster, or that do not parse, are dropped and
 *       counted; they never reach the handler.</li>
 * </ul>
 *
 * <p>Every implementation must pass the shared contract suite
 * {@code io.raftkit.spi.TransportContractTest} in raft-core's test jar.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts accepting inbound messages and allows sends.
     *
     * @param inbound receives every message addressed to this node
     */
    void start(Consumer<Message> inbound);

    /** Sends a message to {@code message.to()}, best effort, without blocking. */
    void send(Message message);

    /** Stops the transport, closing its connections and threads. Idempotent. */
    @Override
    void close();
}
