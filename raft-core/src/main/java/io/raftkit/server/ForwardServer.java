package io.raftkit.server;

import io.raftkit.core.ReadState;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The leader's side of serving from any node: takes the commands and read-index requests other
 * nodes forward ({@link RequestRouter} on their side), hands them to the host, and answers.
 *
 * <p>Each sender may have at most {@code maxPerSender} requests in flight here (commands from
 * arrival until their outcome is known, reads until their index is confirmed); beyond that the
 * answer is OVERLOADED, so one busy follower cannot fill the leader's memory. Read-index requests
 * get core read ids of their own (negative, so they never meet the host's local ids) and share
 * ReadIndex rounds with local reads; a lease request is answered at once while the leader's lease
 * holds.
 *
 * <p>{@link #onForward}, {@link #onReadIndexRequest}, {@link #readConfirmed} and
 * {@link #leadershipLost} run on the host's loop thread; {@link #commandDone} may run on any
 * thread (the host learns a command's outcome where it applies it).
 *
 * <b>Internal</b>: public only so the simulator drives the very code the runtime runs.
 */
public final class ForwardServer {

    /** What the leader's host does for forwarded requests. */
    public interface Host {
        /** Whether this node leads and accepts proposals now. */
        boolean canPropose();

        /** The leader this node knows of (for NOT_LEADER answers), or null. */
        String leaderHint();

        long term();

        /** Proposes a forwarded command; the host calls {@link #commandDone} once its outcome is known. */
        void propose(Forwarded command);

        /**
         * Starts a ReadIndex round for core read id {@code readId}.
         *
         * @throws NotLeaderException if this node does not lead
         */
        void readIndex(long readId);

        /** The read index the leader's lease allows without a round, or -1 if the lease does not hold. */
        long leaseReadIndex();
    }

    /** A command another node forwarded, as the host proposes it. */
    public record Forwarded(String from, long requestId, byte[] command) {
    }

    private record RemoteRead(String from, long requestId) {
    }

    /** Request ids of commands each sender forwarded lately: a duplicated message is not proposed twice. */
    private static final int REMEMBERED_IDS = 1 << 14;

    private final String self;
    private final Host host;
    private final Consumer<Message> send;
    private final int maxPerSender;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, RemoteRead> reads = new HashMap<>();
    private final Map<String, java.util.LinkedHashSet<Long>> seen = new HashMap<>();
    private final ForwardMetrics metrics;
    private long nextReadId;

    /**
     * @param maxPerSender requests one sender may have in flight here
     * @param metrics      told of every request taken and refused
     */
    public ForwardServer(String self, Host host, Consumer<Message> send, int maxPerSender, ForwardMetrics metrics) {
        this.self = Objects.requireNonNull(self, "self");
        this.host = Objects.requireNonNull(host, "host");
        this.send = Objects.requireNonNull(send, "send");
        if (maxPerSender < 1) {
            throw new IllegalArgumentException("maxPerSender must be >= 1, was " + maxPerSender);
        }
        this.maxPerSender = maxPerSender;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Counts what the leader does with forwarded requests. */
    public interface ForwardMetrics {
        /** A request from another node was taken ({@code read}: a read-index request). */
        void accepted(boolean read);

        /** A request from another node was refused with {@code status}. */
        void refused(boolean read, RouteStatus status);

        ForwardMetrics NONE = new ForwardMetrics() {
            @Override
            public void accepted(boolean read) {
            }

            @Override
            public void refused(boolean read, RouteStatus status) {
            }
        };
    }

    /** Requests from {@code sender} in flight here. */
    public int inFlight(String sender) {
        AtomicInteger n = inFlight.get(sender);
        return n == null ? 0 : n.get();
    }

    /** A forwarded command arrived. */
    public void onForward(ForwardRequest m) {
        // the transport may deliver a message twice; a command is proposed at most once per request
        // id (its answer goes back once; a sender that misses it times out with an unknown outcome)
        java.util.LinkedHashSet<Long> ids = seen.computeIfAbsent(m.from(), k -> new java.util.LinkedHashSet<>());
        if (ids.contains(m.requestId())) {
            return;
        }
        if (!host.canPropose()) {
            refuseWrite(m, RouteStatus.NOT_LEADER);
            return;
        }
        if (m.term() < host.term()) {
            // sent before this term began (the sender learns of a leader only from that leader's
            // term): a copy may have reached this node's previous incarnation or term and been
            // proposed there, so proposing it again could apply it twice
            refuseWrite(m, RouteStatus.UNKNOWN_OUTCOME);
            return;
        }
        if (!acquire(m.from())) {
            refuseWrite(m, RouteStatus.OVERLOADED);
            return;
        }
        ids.add(m.requestId());
        if (ids.size() > REMEMBERED_IDS) {
            ids.remove(ids.iterator().next());
        }
        metrics.accepted(false);
        host.propose(new Forwarded(m.from(), m.requestId(), m.command()));
    }

    /**
     * The outcome of a forwarded command is known: answers its sender. {@code status} OK carries
     * the state machine's result; NOT_LEADER means it was never proposed. Any thread.
     */
    public void commandDone(Forwarded command, RouteStatus status, byte[] result) {
        release(command.from());
        send.accept(new ForwardResponse(self, command.from(), host.term(), command.requestId(), status,
                result == null ? EMPTY : result, status == RouteStatus.NOT_LEADER ? host.leaderHint() : null));
    }

    /** A read-index request arrived. */
    public void onReadIndexRequest(ReadIndexRequest m) {
        if (!host.canPropose()) {
            refuseRead(m.from(), m.requestId(), RouteStatus.NOT_LEADER);
            return;
        }
        if (m.lease()) {
            long index = host.leaseReadIndex();
            if (index >= 0) {
                metrics.accepted(true);
                send.accept(new ReadIndexResponse(self, m.from(), host.term(), m.requestId(), RouteStatus.OK, index,
                        null));
                return;
            }
        }
        if (!acquire(m.from())) {
            refuseRead(m.from(), m.requestId(), RouteStatus.OVERLOADED);
            return;
        }
        long readId = -(++nextReadId);
        try {
            host.readIndex(readId);
        } catch (NotLeaderException e) {
            release(m.from());
            refuseRead(m.from(), m.requestId(), RouteStatus.NOT_LEADER);
            return;
        }
        metrics.accepted(true);
        reads.put(readId, new RemoteRead(m.from(), m.requestId()));
    }

    /**
     * A read state came out of the core. If it is one of ours its sender gets the index.
     *
     * @return whether it was one of ours
     */
    public boolean readConfirmed(ReadState rs) {
        RemoteRead r = reads.remove(rs.requestId());
        if (r == null) {
            return rs.requestId() < 0;
        }
        release(r.from());
        send.accept(new ReadIndexResponse(self, r.from(), host.term(), r.requestId(), RouteStatus.OK, rs.index(), null));
        return true;
    }

    /** This node stopped leading: the reads it had not confirmed are refused, so their senders ask the new leader. */
    public void leadershipLost(String newLeader) {
        Iterator<Map.Entry<Long, RemoteRead>> it = reads.entrySet().iterator();
        while (it.hasNext()) {
            RemoteRead r = it.next().getValue();
            it.remove();
            release(r.from());
            metrics.refused(true, RouteStatus.NOT_LEADER);
            send.accept(new ReadIndexResponse(self, r.from(), host.term(), r.requestId(), RouteStatus.NOT_LEADER, 0,
                    newLeader));
        }
    }

    private void refuseWrite(ForwardRequest m, RouteStatus status) {
        metrics.refused(false, status);
        send.accept(new ForwardResponse(self, m.from(), host.term(), m.requestId(), status, EMPTY,
                status == RouteStatus.NOT_LEADER ? host.leaderHint() : null));
    }

    private void refuseRead(String to, long requestId, RouteStatus status) {
        metrics.refused(true, status);
        send.accept(new ReadIndexResponse(self, to, host.term(), requestId, status, 0,
                status == RouteStatus.NOT_LEADER ? host.leaderHint() : null));
    }

    private boolean acquire(String sender) {
        AtomicInteger n = inFlight.computeIfAbsent(sender, s -> new AtomicInteger());
        while (true) {
            int c = n.get();
            if (c >= maxPerSender) {
                return false;
            }
            if (n.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    private void release(String sender) {
        AtomicInteger n = inFlight.get(sender);
        if (n != null) {
            n.decrementAndGet();
        }
    }

    private static final byte[] EMPTY = new byte[0];
}
