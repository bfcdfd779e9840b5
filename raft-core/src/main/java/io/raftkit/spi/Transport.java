package io.raftkit.spi;

import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Carries Raft messages between nodes.
 *
 * <p>Delivery is best effort: a message may be lost, duplicated, delayed or reordered, and Raft
 * tolerates all of these. What a transport must do:
 * <ul>
 *   <li>{@link #send} may be called from any thread, by several threads at once (the server's
 *       loop thread and its storage completion thread both send); it never blocks the caller and
 *       never throws for a network problem: an unreachable peer means the message is dropped
 *       (and counted).</li>
 *   <li>A message is delivered at most once per send to the node named by {@link Message#to()},
 *       unaltered, or not at all.</li>
 *   <li>Inbound messages are handed to the handler given to {@link #start}; the handler is
 *       thread-safe and fast (it enqueues), and may be called from any transport thread.</li>
 *   <li>Messages from a node outside the cluster (not among the members it was started with,
 *       or, after {@link #updateMembers}, the members it was last given), or that do not parse,
 *       are dropped and counted; they never reach the handler.</li>
 *   <li>Once {@link #close} has returned, nothing more is handed to the handler, and a send
 *       is dropped at once without queueing anything.</li>
 * </ul>
 *
 * <p>Every implementation must pass the shared contract suite
 * {@code io.raftkit.spi.TransportContractTest} in raft-core's test jar.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts accepting inbound messages and allows sends. The server calls it once, at its own
     * start, with the member list its builder was given: a transport takes its peers from here,
     * not from a configuration of its own.
     *
     * @param context this node's id, the cluster id and the founding members
     * @param inbound receives every message addressed to this node
     * @throws IllegalStateException if already started or closed
     */
    void start(TransportContext context, Consumer<Message> inbound);

    /**
     * The cluster's members changed (a membership change was appended, or one was truncated and
     * the previous configuration is back): from now on the members are exactly {@code members}.
     * The server calls it from its loop thread each time the configuration in force changes,
     * with every member whose address it knows, this node included; so it must not block.
     *
     * <p>Once it returns, a transport hands nothing more from a node outside {@code members} to the
     * handler and drops sends to it (its connections are closed, a new one is refused as from an
     * unknown node), and it reaches and accepts the members that are new (same cluster id as
     * before: a joining node was started with it). A member whose address changed is dialled at
     * the new one. The node's own entry is ignored, and so is a call after {@link #close}.
     *
     * <p>The default does nothing: a transport whose members are fixed at {@link #start}. With it
     * a cluster cannot grow; every transport of this project implements it.
     *
     * @param members every member's id and Raft address
     */
    default void updateMembers(Map<String, InetSocketAddress> members) {
    }

    /** Sends a message to {@code message.to()}, best effort, without blocking; from any thread. */
    void send(Message message);

    /**
     * The largest append this transport can carry in one message, counted as the core counts an
     * append's size: the sum of {@link Entry#sizeBytes()} of its entries. The server refuses to
     * start if its {@code maxAppendBytes} would let it build an append bigger than this, since
     * such a message would be dropped on every retry and nothing behind it would commit.
     * {@link Long#MAX_VALUE} if there is no limit.
     */
    long maxMessageBytes();

    /** Stops the transport, closing its connections and threads. Idempotent. */
    @Override
    void close();
}
