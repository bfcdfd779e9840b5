package io.raftkit.server;

import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The follower's side of serving from any node: sends the commands and reads this node cannot
 * serve itself to the node it believes leads, and turns the answers into outcomes. Deterministic
 * and single-threaded (the loop thread, or the simulator), with no clock but {@link #tick()}.
 *
 * <p>Rules:
 * <ul>
 *   <li>With no leader known, a request waits (until the host's request timeout fails it); it
 *       leaves as soon as a leader is known. If this node becomes the leader, waiting requests are
 *       handed back to the host to be served locally.</li>
 *   <li>A command is sent once. Once sent, only its result settles it: if leadership moves while
 *       it is in flight, or the node it went to answers NOT_LEADER, it fails with
 *       {@link UnknownOutcomeException}. A NOT_LEADER answer does not prove that nothing was done:
 *       the network may have delivered another copy of the request earlier, to that node while it
 *       led (before a restart that made it forget) or to a leader since (simulator seed 2899 of
 *       the 10,000-seed soak applied a command twice when this router sent it again).</li>
 *   <li>A read has no effect, so it is sent again, under a new id, to the new leader after a
 *       leader change, and to the same node when no answer came within {@code readRetryTicks}.</li>
 *   <li>Batching: what is routed between two {@link #flush()}es (one loop turn) leaves in one
 *       {@link ForwardRequest} and one {@link ReadIndexRequest}, each split where it would pass
 *       {@code maxBatchBytes} (as {@link ForwardRequest.Command#sizeBytes()} counts). A leader
 *       change flushes first, so a command queued for the old leader leaves to it, as it would
 *       have without batching, and then fails like every other command in flight there.</li>
 * </ul>
 *
 * <b>Internal</b>: public only so the simulator drives the very code the runtime runs.
 *
 * @param <R> the host's handle of a request
 */
public final class RequestRouter<R> {

    /** What the router needs to know of, and do with, the host's requests. */
    public interface Requests<R> {
        /** The command or query bytes. */
        byte[] payload(R r);

        /** Whether the host already completed it (e.g. it timed out); the router then forgets it. */
        boolean isDone(R r);

        /**
         * Marks a command as about to leave this node; false if it was completed meanwhile (then
         * it must not be sent). Until then a timeout may report that nothing was done.
         */
        boolean markSent(R r);

        /** A command came back unprocessed (NOT_LEADER): a timeout may again say nothing was done. */
        void markUnsent(R r);

        /** The leader applied the command: {@code result} is its state machine's answer. */
        void succeeded(R r, byte[] result);

        void failed(R r, RuntimeException cause);

        /** The leader gave a read index: serve the read once this node has applied {@code index}. */
        void readIndexKnown(R r, long index);

        /** This node leads now: serve the request locally. */
        void serveLocally(R r, boolean read);
    }

    private static final class Routed<R> {
        final R request;
        final boolean read;
        final boolean lease;
        /** A node that said it does not lead: not sent there again until the leader changes. */
        String avoid;
        String sentTo;
        long sentAt;

        Routed(R request, boolean read, boolean lease) {
            this.request = request;
            this.read = read;
            this.lease = lease;
        }
    }

    private final String self;
    private final Requests<R> requests;
    private final Consumer<Message> send;
    private final int readRetryTicks;
    private final long maxBatchBytes;
    /** The commands and reads routed since the last flush, all to {@code batchTarget} in {@code batchTerm}. */
    private final List<ForwardRequest.Command> commandBatch = new ArrayList<>();
    private final List<ReadIndexRequest.Read> readBatch = new ArrayList<>();
    private long commandBatchBytes;
    private String batchTarget;
    private long batchTerm;
    private final ArrayDeque<Routed<R>> waiting = new ArrayDeque<>();
    private final Map<Long, Routed<R>> inFlight = new LinkedHashMap<>();
    private String leader;
    private long term;
    private long ticks;
    private long nextId;

    /**
     * @param self           this node's id
     * @param readRetryTicks after how many ticks without an answer a read is asked for again
     * @param maxBatchBytes  the most one batch may weigh (the transport's {@code maxMessageBytes()});
     *                       a single command is sent alone whatever it weighs
     */
    public RequestRouter(String self, Requests<R> requests, Consumer<Message> send, int readRetryTicks,
                         long maxBatchBytes) {
        this(self, requests, send, readRetryTicks, maxBatchBytes, System.nanoTime() & 0x3fff_ffff_ffffL);
    }

    /**
     * @param firstId where this incarnation's request ids start: the leader drops a command whose id
     *                it saw lately from this node (a duplicated message), so a restarted node must not
     *                reuse its previous incarnation's ids
     */
    public RequestRouter(String self, Requests<R> requests, Consumer<Message> send, int readRetryTicks,
                         long maxBatchBytes, long firstId) {
        this.self = Objects.requireNonNull(self, "self");
        this.requests = Objects.requireNonNull(requests, "requests");
        this.send = Objects.requireNonNull(send, "send");
        if (readRetryTicks < 1) {
            throw new IllegalArgumentException("readRetryTicks must be >= 1, was " + readRetryTicks);
        }
        this.readRetryTicks = readRetryTicks;
        if (maxBatchBytes < 1) {
            throw new IllegalArgumentException("maxBatchBytes must be >= 1, was " + maxBatchBytes);
        }
        this.maxBatchBytes = maxBatchBytes;
        this.nextId = firstId;
    }

    /** Routes a command to the leader. */
    public void forwardWrite(R r) {
        requests.markUnsent(r);
        dispatch(new Routed<>(r, false, false));
    }

    /** Asks the leader for a read index; {@code lease}: the leader may answer from its lease. */
    public void forwardRead(R r, boolean lease) {
        dispatch(new Routed<>(r, true, lease));
    }

    /** Requests waiting for a leader or for an answer. */
    public int pending() {
        return waiting.size() + inFlight.size();
    }

    /**
     * The node's view of the leader changed (or was confirmed). Commands in flight to another node
     * fail with an unknown outcome; reads in flight to another node are asked again; waiting
     * requests leave.
     */
    public void leaderChanged(String newLeader, long newTerm) {
        if (Objects.equals(newLeader, leader) && newTerm == term) {
            return;
        }
        flush();
        leader = newLeader;
        term = newTerm;
        if (newLeader == null) {
            return; // whoever we sent to may still answer
        }
        List<Routed<R>> again = new ArrayList<>();
        Iterator<Routed<R>> it = inFlight.values().iterator();
        while (it.hasNext()) {
            Routed<R> x = it.next();
            if (newLeader.equals(x.sentTo)) {
                continue;
            }
            it.remove();
            if (x.read) {
                again.add(x);
            } else {
                requests.failed(x.request, new UnknownOutcomeException("the command was forwarded to " + x.sentTo
                        + ", but leadership moved to " + newLeader + " (term " + newTerm + ") before it answered:"
                        + " it may or may not be committed; retrying is safe only if the command is idempotent"));
            }
        }
        again.addAll(waiting);
        waiting.clear();
        for (Routed<R> x : again) {
            x.avoid = null;
            dispatch(x);
        }
    }

    /**
     * The node stops: fails every request held here, commands in flight with an unknown outcome,
     * the rest with {@code closed}.
     */
    public void close(RuntimeException closed) {
        // what was not flushed never left; its commands are in flight below all the same
        commandBatch.clear();
        commandBatchBytes = 0;
        readBatch.clear();
        for (Routed<R> x : inFlight.values()) {
            requests.failed(x.request, x.read ? closed : new UnknownOutcomeException("the server stopped while the"
                    + " command forwarded to " + x.sentTo + " was in flight: it may or may not be committed", closed));
        }
        inFlight.clear();
        for (Routed<R> x : waiting) {
            requests.failed(x.request, closed);
        }
        waiting.clear();
    }

    /** One tick: asks again for reads not answered in time, forgets completed requests. */
    public void tick() {
        ticks++;
        if (!inFlight.isEmpty()) {
            List<Routed<R>> again = null;
            Iterator<Routed<R>> it = inFlight.values().iterator();
            while (it.hasNext()) {
                Routed<R> x = it.next();
                if (requests.isDone(x.request)) {
                    it.remove();
                } else if (x.read && ticks - x.sentAt >= readRetryTicks) {
                    it.remove();
                    if (again == null) {
                        again = new ArrayList<>();
                    }
                    again.add(x);
                }
            }
            if (again != null) {
                again.forEach(this::dispatch);
            }
        }
        if (!waiting.isEmpty()) {
            List<Routed<R>> all = new ArrayList<>(waiting);
            waiting.clear();
            all.forEach(this::dispatch);
        }
    }

    /** The leader's answers to forwarded commands. Answers to requests no longer in flight are ignored. */
    public void onResponse(ForwardResponse m) {
        for (ForwardResponse.Answer a : m.answers()) {
            Routed<R> x = inFlight.get(a.requestId());
            if (x == null || x.read || !m.from().equals(x.sentTo)) {
                continue;
            }
            inFlight.remove(a.requestId());
            switch (a.status()) {
                case OK -> requests.succeeded(x.request, a.result());
                case NOT_LEADER -> requests.failed(x.request, new UnknownOutcomeException("the forwarded command went"
                        + " to " + m.from() + ", which answered that it does not lead; another copy of the request may"
                        + " have reached a leader before, so it may or may not be committed"
                        + (a.leaderHint() == null ? "" : " (the leader is " + a.leaderHint() + ")")));
                case OVERLOADED -> requests.failed(x.request, overloaded(m.from()));
                case UNKNOWN_OUTCOME -> requests.failed(x.request, new UnknownOutcomeException("the leader " + m.from()
                        + " proposed the forwarded command but cannot tell its outcome (leadership changed, a timeout"
                        + " or a shutdown): it may or may not be committed"));
            }
        }
    }

    /** The leader's answers to read-index requests. */
    public void onResponse(ReadIndexResponse m) {
        for (ReadIndexResponse.Answer a : m.answers()) {
            Routed<R> x = inFlight.get(a.requestId());
            if (x == null || !x.read || !m.from().equals(x.sentTo)) {
                continue;
            }
            inFlight.remove(a.requestId());
            switch (a.status()) {
                case OK -> requests.readIndexKnown(x.request, a.index());
                case NOT_LEADER, UNKNOWN_OUTCOME -> reroute(x, m.from());
                case OVERLOADED -> requests.failed(x.request, overloaded(m.from()));
            }
        }
    }

    /**
     * Sends what was routed since the last flush: the end of the host's turn (the loop's, or a
     * simulated event's). Without it nothing leaves.
     */
    public void flush() {
        if (!commandBatch.isEmpty()) {
            send.accept(new ForwardRequest(self, batchTarget, batchTerm, List.copyOf(commandBatch)));
            commandBatch.clear();
            commandBatchBytes = 0;
        }
        if (!readBatch.isEmpty()) {
            send.accept(new ReadIndexRequest(self, batchTarget, batchTerm, List.copyOf(readBatch)));
            readBatch.clear();
        }
    }

    private static OverloadedException overloaded(String leader) {
        return new OverloadedException("the leader " + leader + " holds too many requests forwarded by this node;"
                + " retry later");
    }

    /** Sent again once this node learns of a leader other than the node that refused it. */
    private void reroute(Routed<R> x, String refusedBy) {
        x.avoid = refusedBy;
        dispatch(x);
    }

    private void dispatch(Routed<R> x) {
        if (requests.isDone(x.request)) {
            return;
        }
        // only a leader this node learnt of itself, never a hint: a command then always carries
        // the term of the leader it goes to, which the leader checks (ForwardServer#onForward)
        String target = leader;
        if (target == null || target.equals(x.avoid)) {
            waiting.add(x);
            return;
        }
        if (target.equals(self)) {
            requests.serveLocally(x.request, x.read);
            return;
        }
        long id = ++nextId;
        if (!target.equals(batchTarget) || term != batchTerm) {
            flush();
            batchTarget = target;
            batchTerm = term;
        }
        if (x.read) {
            x.sentTo = target;
            x.sentAt = ticks;
            inFlight.put(id, x);
            if ((readBatch.size() + 1) * ReadIndexRequest.Read.SIZE_BYTES > maxBatchBytes) {
                flush();
            }
            readBatch.add(new ReadIndexRequest.Read(id, x.lease));
        } else {
            if (!requests.markSent(x.request)) {
                return; // completed meanwhile (timed out): it must not leave now
            }
            x.sentTo = target;
            x.sentAt = ticks;
            inFlight.put(id, x);
            ForwardRequest.Command c = new ForwardRequest.Command(id, requests.payload(x.request));
            if (!commandBatch.isEmpty() && commandBatchBytes + c.sizeBytes() > maxBatchBytes) {
                flush();
            }
            commandBatch.add(c);
            commandBatchBytes += c.sizeBytes();
        }
    }
}
