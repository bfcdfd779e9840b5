package io.raftkit.server;

import io.raftkit.core.ReadState;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * <p>Answers are batched: they queue until the host calls {@link #flush()}, which sends each
 * sender's in one {@link ForwardResponse} and one {@link ReadIndexResponse}, split where a batch
 * would pass {@code maxBatchBytes}. The host flushes at the end of each loop turn and after each
 * apply batch, so the answers one apply batch produces for a follower leave in one message.
 *
 * <p>{@link #onForward}, {@link #onReadIndexRequest}, {@link #readConfirmed} and
 * {@link #leadershipLost} run on the host's loop thread; {@link #commandDone} and {@link #flush()}
 * may run on any thread (the host learns a command's outcome where it applies it).
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

    /** An answer waiting for the next {@link #flush()}. */
    private sealed interface Outgoing permits WriteAnswer, ReadAnswer {
        String to();

        long sizeBytes();
    }

    private record WriteAnswer(String to, ForwardResponse.Answer answer) implements Outgoing {
        @Override
        public long sizeBytes() {
            return answer.sizeBytes();
        }
    }

    private record ReadAnswer(String to, ReadIndexResponse.Answer answer) implements Outgoing {
        @Override
        public long sizeBytes() {
            return answer.sizeBytes();
        }
    }

    /** Request ids of commands each sender forwarded lately: a duplicated message is not proposed twice. */
    private static final int REMEMBERED_IDS = 1 << 14;

    private final String self;
    private final Host host;
    private final Consumer<Message> send;
    private final int maxPerSender;
    private final long maxBatchBytes;
    private final ConcurrentLinkedQueue<Outgoing> answers = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<Long, RemoteRead> reads = new HashMap<>();
    private final Map<String, java.util.LinkedHashSet<Long>> seen = new HashMap<>();
    private final ForwardMetrics metrics;
    private long nextReadId;

    /**
     * @param maxPerSender  requests one sender may have in flight here
     * @param maxBatchBytes the most one batch of answers may weigh (the transport's
     *                      {@code maxMessageBytes()}); a single answer is sent alone whatever it weighs
     * @param metrics       told of every request taken and refused
     */
    public ForwardServer(String self, Host host, Consumer<Message> send, int maxPerSender, long maxBatchBytes,
                         ForwardMetrics metrics) {
        this.self = Objects.requireNonNull(self, "self");
        this.host = Objects.requireNonNull(host, "host");
        this.send = Objects.requireNonNull(send, "send");
        if (maxPerSender < 1) {
            throw new IllegalArgumentException("maxPerSender must be >= 1, was " + maxPerSender);
        }
        this.maxPerSender = maxPerSender;
        if (maxBatchBytes < 1) {
            throw new IllegalArgumentException("maxBatchBytes must be >= 1, was " + maxBatchBytes);
        }
        this.maxBatchBytes = maxBatchBytes;
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

    /** Forwarded commands arrived: each is proposed or refused on its own. */
    public void onForward(ForwardRequest m) {
        for (ForwardRequest.Command c : m.commands()) {
            onForward(m.from(), m.term(), c);
        }
    }

    private void onForward(String from, long term, ForwardRequest.Command c) {
        // the transport may deliver a message twice; a command is proposed at most once per request
        // id (its answer goes back once; a sender that misses it times out with an unknown outcome)
        java.util.LinkedHashSet<Long> ids = seen.computeIfAbsent(from, k -> new java.util.LinkedHashSet<>());
        if (ids.contains(c.requestId())) {
            return;
        }
        if (!host.canPropose()) {
            refuseWrite(from, c.requestId(), RouteStatus.NOT_LEADER);
            return;
        }
        if (term < host.term()) {
            // sent before this term began (the sender learns of a leader only from that leader's
            // term): a copy may have reached this node's previous incarnation or term and been
            // proposed there, so proposing it again could apply it twice
            refuseWrite(from, c.requestId(), RouteStatus.UNKNOWN_OUTCOME);
            return;
        }
        if (!acquire(from)) {
            refuseWrite(from, c.requestId(), RouteStatus.OVERLOADED);
            return;
        }
        ids.add(c.requestId());
        if (ids.size() > REMEMBERED_IDS) {
            ids.remove(ids.iterator().next());
        }
        metrics.accepted(false);
        host.propose(new Forwarded(from, c.requestId(), c.command()));
    }

    /**
     * The outcome of a forwarded command is known: answers its sender. {@code status} OK carries
     * the state machine's result; NOT_LEADER means it was never proposed. Any thread.
     */
    public void commandDone(Forwarded command, RouteStatus status, byte[] result) {
        release(command.from());
        answers.add(new WriteAnswer(command.from(), new ForwardResponse.Answer(command.requestId(), status,
                result == null ? EMPTY : result, status == RouteStatus.NOT_LEADER ? host.leaderHint() : null)));
    }

    /** Read-index requests arrived: each is answered or refused on its own. */
    public void onReadIndexRequest(ReadIndexRequest m) {
        for (ReadIndexRequest.Read r : m.reads()) {
            onRead(m.from(), r);
        }
    }

    private void onRead(String from, ReadIndexRequest.Read r) {
        if (!host.canPropose()) {
            refuseRead(from, r.requestId(), RouteStatus.NOT_LEADER);
            return;
        }
        if (r.lease()) {
            long index = host.leaseReadIndex();
            if (index >= 0) {
                metrics.accepted(true);
                answers.add(new ReadAnswer(from, new ReadIndexResponse.Answer(r.requestId(), RouteStatus.OK, index,
                        null)));
                return;
            }
        }
        if (!acquire(from)) {
            refuseRead(from, r.requestId(), RouteStatus.OVERLOADED);
            return;
        }
        long readId = -(++nextReadId);
        try {
            host.readIndex(readId);
        } catch (NotLeaderException e) {
            release(from);
            refuseRead(from, r.requestId(), RouteStatus.NOT_LEADER);
            return;
        }
        metrics.accepted(true);
        reads.put(readId, new RemoteRead(from, r.requestId()));
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
        answers.add(new ReadAnswer(r.from(), new ReadIndexResponse.Answer(r.requestId(), RouteStatus.OK, rs.index(),
                null)));
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
            answers.add(new ReadAnswer(r.from(), new ReadIndexResponse.Answer(r.requestId(), RouteStatus.NOT_LEADER, 0,
                    newLeader)));
        }
    }

    private void refuseWrite(String to, long requestId, RouteStatus status) {
        metrics.refused(false, status);
        answers.add(new WriteAnswer(to, new ForwardResponse.Answer(requestId, status, EMPTY,
                status == RouteStatus.NOT_LEADER ? host.leaderHint() : null)));
    }

    private void refuseRead(String to, long requestId, RouteStatus status) {
        metrics.refused(true, status);
        answers.add(new ReadAnswer(to, new ReadIndexResponse.Answer(requestId, status, 0,
                status == RouteStatus.NOT_LEADER ? host.leaderHint() : null)));
    }

    /**
     * Sends the answers queued since the last flush: per sender one {@link ForwardResponse} and one
     * {@link ReadIndexResponse}, each split where it would pass {@code maxBatchBytes}. Any thread;
     * two threads flushing at once each send what they took.
     */
    public void flush() {
        if (answers.isEmpty()) {
            return;
        }
        Map<String, List<ForwardResponse.Answer>> writes = new LinkedHashMap<>();
        Map<String, List<ReadIndexResponse.Answer>> readAnswers = new LinkedHashMap<>();
        Map<String, long[]> writeBytes = new HashMap<>();
        Map<String, long[]> readBytes = new HashMap<>();
        long term = host.term();
        Outgoing o;
        while ((o = answers.poll()) != null) {
            if (o instanceof WriteAnswer w) {
                List<ForwardResponse.Answer> batch = writes.computeIfAbsent(w.to(), k -> new ArrayList<>());
                long[] bytes = writeBytes.computeIfAbsent(w.to(), k -> new long[1]);
                if (!batch.isEmpty() && bytes[0] + w.sizeBytes() > maxBatchBytes) {
                    send.accept(new ForwardResponse(self, w.to(), term, List.copyOf(batch)));
                    batch.clear();
                    bytes[0] = 0;
                }
                batch.add(w.answer());
                bytes[0] += w.sizeBytes();
            } else if (o instanceof ReadAnswer r) {
                List<ReadIndexResponse.Answer> batch = readAnswers.computeIfAbsent(r.to(), k -> new ArrayList<>());
                long[] bytes = readBytes.computeIfAbsent(r.to(), k -> new long[1]);
                if (!batch.isEmpty() && bytes[0] + r.sizeBytes() > maxBatchBytes) {
                    send.accept(new ReadIndexResponse(self, r.to(), term, List.copyOf(batch)));
                    batch.clear();
                    bytes[0] = 0;
                }
                batch.add(r.answer());
                bytes[0] += r.sizeBytes();
            }
        }
        writes.forEach((to, batch) -> send.accept(new ForwardResponse(self, to, term, batch)));
        readAnswers.forEach((to, batch) -> send.accept(new ReadIndexResponse(self, to, term, batch)));
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
