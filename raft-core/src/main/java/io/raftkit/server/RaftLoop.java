package io.raftkit.server;

import io.raftkit.core.RaftNode;
import io.raftkit.core.ReadState;
import io.raftkit.core.Ready;
import io.raftkit.core.Role;
import io.raftkit.core.SoftState;
import io.raftkit.core.tracker.Progress;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.LogStorageException;
import io.raftkit.spi.NotLeaderException;
import io.raftkit.spi.Transport;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loop: the only thread that touches the {@link RaftNode}. Each turn it ticks the core
 * when a tick is due, steps every inbound message, releases what became durable, starts reads,
 * proposes every queued command in one batch, and handles the resulting Ready: sends its
 * messages, hands its write to storage (without waiting), hands committed entries to the apply
 * thread. Durable writes come back as completed futures, checked in order at the next turn, so
 * the leader keeps replicating while its own fsync is in flight.
 */
final class RaftLoop implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RaftLoop.class);
    private static final int MAX_MESSAGES_PER_TURN = 4096;

    /**
     * A storage write (or a no-write barrier, future null) whose persisted messages wait for it and
     * all earlier writes. The messages to other nodes are sent by whichever comes first: the
     * write's completion callback on the storage thread (storage futures complete in order, so
     * every earlier write is durable then too; this saves a hop through the loop on the
     * follower's acknowledgement path) or the loop when it releases the write. The flag makes
     * sure only one of them sends.
     */
    private static final class PendingWrite extends AtomicBoolean {
        final CompletableFuture<Void> future;
        final List<Message> persistedMessages;
        final Entry last;

        PendingWrite(CompletableFuture<Void> future, List<Message> persistedMessages, Entry last) {
            this.future = future;
            this.persistedMessages = persistedMessages;
            this.last = last;
        }

        /** True for the one caller that gets to send the messages. */
        boolean claimSend() {
            return !get() && compareAndSet(false, true);
        }
    }

    private final RaftServer server;
    private final String id;
    private final RaftNode node;
    private final LogStorage storage;
    private final Transport transport;
    private final Applier applier;
    private final ServerMetrics metrics;
    private final int maxBatch;
    private final long tickNanos;
    private final long requestTimeoutNanos;

    private final ConcurrentLinkedQueue<Message> inbox = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Proposal> proposals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ReadRequest> readQueue = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    /** Reads waiting for the core's ReadState, by request id, oldest first. */
    private final LinkedHashMap<Long, ReadRequest> reads = new LinkedHashMap<>();
    private final List<byte[]> commands = new ArrayList<>();
    private final List<Proposal> batch = new ArrayList<>();
    private final BiConsumer<Void, Throwable> wakeOnDurable = (v, e) -> wakeup();

    private ApplyBatch applyBatch;
    /** The last hard state handed to storage, and a newer one that differs from it only in commit. */
    private HardState writtenHardState;
    private HardState deferredHardState;
    private long readSeq;
    private volatile Thread thread;
    private volatile boolean parked;
    private volatile boolean stopRequested;

    // the last published soft state, to detect changes
    private Role role;
    private long term;
    private String leader;

    RaftLoop(RaftServer server, RaftNode node, LogStorage storage, Transport transport, Applier applier,
             ServerMetrics metrics, ServerConfig config) {
        this.server = server;
        this.id = node.id();
        this.node = node;
        this.storage = storage;
        this.transport = transport;
        this.applier = applier;
        this.metrics = metrics;
        this.maxBatch = config.maxBatchEntries();
        this.tickNanos = config.tick().toNanos();
        this.requestTimeoutNanos = config.requestTimeout().toNanos();
        this.role = node.role();
        this.term = node.term();
        this.leader = node.leader();
        this.writtenHardState = storage.hardState();
    }

    void start() {
        Thread t = new Thread(this, "raft-loop-" + id);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    Thread thread() {
        return thread;
    }

    // --- inputs from other threads -------------------------------------------------------------

    void onMessage(Message m) {
        if (stopRequested) {
            return; // nobody will take it: a stopped loop must not grow its inbox
        }
        inbox.offer(m);
        wakeup();
    }

    void propose(Proposal p) {
        proposals.offer(p);
        wakeup();
    }

    void read(ReadRequest r) {
        readQueue.offer(r);
        wakeup();
    }

    void stop() {
        stopRequested = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void wakeup() {
        if (parked) {
            LockSupport.unpark(thread);
        }
    }

    // --- the loop ------------------------------------------------------------------------------

    @Override
    public void run() {
        long nextTick = System.nanoTime() + tickNanos;
        try {
            while (!stopRequested) {
                boolean work = false;
                long now = System.nanoTime();
                if (now - nextTick >= 0) {
                    node.tick();
                    nextTick += tickNanos;
                    if (now - nextTick >= 0) {
                        nextTick = now + tickNanos; // we fell behind (a pause): do not tick in a burst
                    }
                    onTick(now);
                    work = true;
                }
                work |= drainMessages();
                work |= releaseDurable();
                work |= drainReads();
                work |= drainProposals();
                while (node.hasReady()) {
                    handleReady(node.ready());
                    work = true;
                }
                flushApplyBatch();
                publishStatus();
                if (!work) {
                    parked = true;
                    if (!hasWork()) {
                        LockSupport.parkNanos(this, nextTick - System.nanoTime());
                    }
                    parked = false;
                }
            }
        } catch (Throwable t) {
            server.fatal(t);
        } finally {
            shutdown();
        }
    }

    private boolean hasWork() {
        if (stopRequested || !inbox.isEmpty() || !proposals.isEmpty() || !readQueue.isEmpty()) {
            return true;
        }
        PendingWrite w = writes.peekFirst();
        return w != null && (w.future == null || w.future.isDone());
    }

    private boolean drainMessages() {
        Message m;
        int n = 0;
        while (n < MAX_MESSAGES_PER_TURN && (m = inbox.poll()) != null) {
            node.step(m);
            n++;
        }
        return n > 0;
    }

    /** Releases, in order, every write that is durable and every barrier behind them. */
    private boolean releaseDurable() {
        boolean any = false;
        PendingWrite w;
        while ((w = writes.peekFirst()) != null && (w.future == null || w.future.isDone())) {
            writes.pollFirst();
            if (w.future != null && w.future.isCompletedExceptionally()) {
                Throwable cause;
                try {
                    w.future.join();
                    cause = new IllegalStateException("write failed");
                } catch (CompletionException e) {
                    cause = e.getCause() == null ? e : e.getCause();
                }
                throw new LogStorageException("a log storage write failed; the node stops (fail-stop) so it never"
                        + " acknowledges what is not durable", cause);
            }
            releasePersisted(w.persistedMessages, w.last, w.persistedMessages.isEmpty() || w.claimSend());
            any = true;
        }
        return any;
    }

    private void releasePersisted(List<Message> persistedMessages, Entry last, boolean sendToOthers) {
        if (last != null) {
            node.persisted(last.index(), last.term());
        }
        for (int i = 0, n = persistedMessages.size(); i < n; i++) {
            Message m = persistedMessages.get(i);
            if (m.to().equals(id)) {
                node.step(m);
            } else if (sendToOthers) {
                transport.send(m);
            }
        }
    }

    /** On the storage thread when a write is durable: send its persisted messages to other nodes now. */
    private void sendEarly(PendingWrite w) {
        if (w.claimSend()) {
            List<Message> msgs = w.persistedMessages;
            for (int i = 0, n = msgs.size(); i < n; i++) {
                Message m = msgs.get(i);
                if (!m.to().equals(id)) {
                    transport.send(m);
                }
            }
        }
    }

    private boolean drainReads() {
        ReadRequest r;
        boolean any = false;
        while ((r = readQueue.poll()) != null) {
            any = true;
            if (r.isDone()) {
                continue; // timed out while queued
            }
            if (node.role() != Role.LEADER) {
                r.fail(new NotLeaderException(node.leader()));
                continue;
            }
            r.id = ++readSeq;
            try {
                node.readIndex(r.id);
                reads.put(r.id, r);
            } catch (NotLeaderException e) {
                r.fail(e);
            }
        }
        return any;
    }

    /**
     * Proposes the queued commands as one batch. Every proposal taken from the queue ends up either
     * with the apply thread (proposed) or failed here, whatever is thrown: an exception other than
     * NotLeaderException is a bug or a broken invariant, so after failing the batch it stops the loop.
     */
    private boolean drainProposals() {
        Proposal p;
        while (batch.size() < maxBatch && (p = proposals.poll()) != null) {
            if (p.isDone()) {
                continue; // timed out while queued: its caller was told the outcome is unknown
            }
            batch.add(p);
            commands.add(p.command);
        }
        int n = batch.size();
        if (n == 0) {
            return false;
        }
        boolean handedOver = false;
        try {
            long first = node.proposeBatch(commands);
            long t = node.term();
            for (int i = 0; i < n; i++) {
                Proposal q = batch.get(i);
                q.index = first + i;
                q.term = t;
            }
            applyBatch().proposed.addAll(batch);
            handedOver = true;
            metrics.proposalsAccepted(n);
        } catch (NotLeaderException e) {
            for (int i = 0; i < n; i++) {
                batch.get(i).fail(e);
            }
            metrics.proposalRejectedNotLeader(n);
        } catch (RuntimeException | Error e) {
            if (!handedOver) {
                UnknownOutcomeException unknown = new UnknownOutcomeException("proposing the command failed"
                        + " unexpectedly (" + e + "): it may or may not be in the log; the server stops", e);
                for (int i = 0; i < n; i++) {
                    batch.get(i).fail(unknown);
                }
            }
            throw e;
        } finally {
            batch.clear();
            commands.clear();
        }
        return true;
    }

    private void handleReady(Ready rd) {
        if (rd.softState() != null) {
            onSoftState(rd.softState());
        }
        List<Message> msgs = rd.messages();
        for (int i = 0, n = msgs.size(); i < n; i++) {
            Message m = msgs.get(i);
            if (!supersededLater(msgs, i, m)) {
                transport.send(m);
            }
        }
        CompletableFuture<Void> write = null;
        HardState hs = hardStateToWrite(rd);
        List<Message> after = rd.persistedMessages();
        PendingWrite pending = null;
        if (hs != null || !rd.entries().isEmpty()) {
            long start = System.nanoTime();
            write = storage.append(hs, rd.entries());
            metrics.storageWrite(rd.entries().size());
            pending = new PendingWrite(write, after, rd.lastEntry());
            if (after.isEmpty() && !metrics.enabled()) {
                write.whenComplete(wakeOnDurable);
            } else {
                PendingWrite w = pending;
                write.whenComplete((v, e) -> {
                    if (e == null) {
                        metrics.storageDurable(System.nanoTime() - start);
                        if (!w.persistedMessages.isEmpty()) {
                            sendEarly(w);
                        }
                    }
                    wakeup();
                });
            }
        }
        if (!rd.committedEntries().isEmpty()) {
            applyBatch().committed.addAll(rd.committedEntries());
        }
        List<ReadState> readStates = rd.readStates();
        for (int i = 0, n = readStates.size(); i < n; i++) {
            ReadState rs = readStates.get(i);
            ReadRequest r = reads.remove(rs.requestId());
            if (r != null) {
                r.index = rs.index();
                applyBatch().reads.add(r);
            }
        }
        node.advance(rd);
        if (pending != null) {
            writes.addLast(pending);
        } else if (!after.isEmpty()) {
            if (writes.isEmpty()) {
                releasePersisted(after, null, true); // every earlier write is already durable
            } else {
                writes.addLast(new PendingWrite(null, after, null));
            }
        }
    }

    /**
     * The hard state to write with this Ready's entries, or null. A hard state that differs from
     * the last one written only in its commit index, in a Ready without entries, is not written
     * on its own: the commit index is a recovery hint that Raft never promises to keep (it is
     * volatile state in the paper's Figure 2), and a sync for it alone would double the syncs of
     * a follower (one for the entries, one for the commit that follows). It goes out with the
     * next write instead. Term and vote are always written at once: votes depend on them.
     */
    private HardState hardStateToWrite(Ready rd) {
        HardState hs = rd.hardState();
        if (hs == null) {
            hs = deferredHardState;
            if (hs == null || rd.entries().isEmpty()) {
                return null;
            }
        } else if (rd.entries().isEmpty() && writtenHardState != null && hs.term() == writtenHardState.term()
                && Objects.equals(hs.votedFor(), writtenHardState.votedFor())) {
            deferredHardState = hs;
            return null;
        }
        deferredHardState = null;
        writtenHardState = hs;
        return hs;
    }

    /**
     * Whether message {@code i} is an append without entries that a later append of the same
     * Ready to the same follower makes redundant: same term and previous entry, a commit index at
     * least as high, and entries besides. The leader sends such an empty append to carry a new
     * commit index; when the same turn also replicates new entries, the one message does both.
     */
    private static boolean supersededLater(List<Message> msgs, int i, Message m) {
        if (!(m instanceof AppendRequest a) || !a.entries().isEmpty()) {
            return false;
        }
        for (int j = i + 1, n = msgs.size(); j < n; j++) {
            if (msgs.get(j) instanceof AppendRequest b && b.to().equals(a.to()) && b.term() == a.term()
                    && b.prevLogIndex() == a.prevLogIndex() && b.prevLogTerm() == a.prevLogTerm()
                    && b.leaderCommit() >= a.leaderCommit() && !b.entries().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private void onSoftState(SoftState s) {
        Role prevRole = role;
        long prevTerm = term;
        String prevLeader = leader;
        if (prevRole == Role.LEADER && (s.role() != Role.LEADER || s.term() != prevTerm)) {
            leadershipLost(s.leader());
        }
        if (s.role() == Role.CANDIDATE && (prevRole != Role.CANDIDATE || s.term() != prevTerm)) {
            metrics.electionStarted();
        }
        if (s.role() == Role.LEADER && (prevRole != Role.LEADER || s.term() != prevTerm)) {
            metrics.electionWon();
            log.info("{} is the leader for term {}", id, s.term());
        }
        if (!Objects.equals(s.leader(), prevLeader)) {
            if (s.leader() != null) {
                metrics.leaderChanged();
            }
            server.leaderChanged(new LeaderChange(s.leader(), s.term(), id.equals(s.leader())));
        }
        role = s.role();
        term = s.term();
        leader = s.leader();
        server.role = role;
        server.term = term;
        server.leader = leader;
        if (role != Role.LEADER) {
            for (String f : node.clusterConfig().allVoters()) {
                metrics.followerLag(f, 0);
            }
        }
    }

    private void leadershipLost(String newLeader) {
        ApplyBatch b = applyBatch();
        b.leadershipLost = true;
        b.newLeader = newLeader;
        for (ReadRequest r : reads.values()) {
            r.fail(new NotLeaderException(newLeader, "this node lost leadership before the read was confirmed"
                    + (newLeader == null ? "; no leader is known" : "; the leader is " + newLeader)));
        }
        reads.clear();
    }

    private void onTick(long now) {
        if (!reads.isEmpty()) {
            Iterator<ReadRequest> it = reads.values().iterator();
            while (it.hasNext()) {
                ReadRequest r = it.next();
                if (!r.isDone() && now - r.startNanos < requestTimeoutNanos) {
                    break;
                }
                // the request timer fails it (and may have already): the loop only forgets it
                it.remove();
                r.fail(r.timedOut(TimeUnit.NANOSECONDS.toMillis(requestTimeoutNanos)));
            }
        }
        if (metrics.enabled() && role == Role.LEADER) {
            long last = node.lastIndex();
            for (String f : node.clusterConfig().allVoters()) {
                Progress pr = node.progress(f);
                if (pr != null && !f.equals(id)) {
                    metrics.followerLag(f, Math.max(0, last - pr.match()));
                }
            }
        }
    }

    private ApplyBatch applyBatch() {
        if (applyBatch == null) {
            applyBatch = new ApplyBatch();
        }
        return applyBatch;
    }

    private void flushApplyBatch() {
        if (applyBatch != null) {
            applier.submit(applyBatch);
            applyBatch = null;
        }
    }

    private void publishStatus() {
        long commit = node.commitIndex();
        if (server.commitIndex != commit) {
            server.commitIndex = commit;
        }
        long last = node.lastIndex();
        if (server.lastIndex != last) {
            server.lastIndex = last;
        }
    }

    /** The loop is ending: fail what it holds, then let the apply thread finish and stop. */
    private void shutdown() {
        inbox.clear();
        Throwable fatal = server.failure();
        ServerClosedException closed = fatal == null ? new ServerClosedException("the server is closed")
                : new ServerClosedException("the server stopped after a fatal error: " + fatal, fatal);
        Proposal p;
        int n = 0;
        while ((p = proposals.poll()) != null) {
            p.fail(closed);
            n++;
        }
        ReadRequest r;
        while ((r = readQueue.poll()) != null) {
            r.fail(closed);
        }
        for (ReadRequest q : reads.values()) {
            q.fail(closed);
        }
        reads.clear();
        try {
            flushApplyBatch();
        } catch (RuntimeException e) {
            log.warn("{}: could not hand the last batch to the apply thread", id, e);
        }
        applier.stop();
        if (n > 0) {
            log.debug("{}: failed {} queued proposals at shutdown", id, n);
        }
    }
}
