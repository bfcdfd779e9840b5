package io.raftkit.server;

import io.raftkit.core.RaftNode;
import io.raftkit.core.ReadState;
import io.raftkit.core.Ready;
import io.raftkit.core.SnapshotInfo;
import io.raftkit.core.SnapshotSend;
import io.raftkit.core.SoftState;
import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StoredSnapshot;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.SnapshotChunk;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>Internal</b>: public only so the simulator drives the very code the runtime runs; not part of
 * the supported API, and it may change in any release.
 *
 * <p>The host side of one {@link RaftNode}'s {@link Ready}s, without threads or clocks: it turns a
 * Ready into sends, a storage write and a hand-off to an {@link ApplySink}, and releases durable
 * writes in order. {@code RaftLoop} drives it from its loop thread; the simulator drives one per
 * node in virtual time. Every method but the completion callback runs on the one thread that
 * owns the node.
 *
 * <p>What it guarantees (see {@link Ready} for the contract it implements):
 * <ul>
 *   <li>Messages of a Ready are sent at once, except an empty append that a later append of the
 *       same Ready to the same follower makes redundant.</li>
 *   <li>A Ready's hard state and entries become one storage write, handed over without waiting.
 *       A hard state that changes only the commit index, in a Ready without entries, is deferred
 *       to the next write (the commit index is volatile state in Raft; a sync for it alone would
 *       double a follower's syncs).</li>
 *   <li>Writes are released strictly in order: a write is released (its last entry reported
 *       with {@link RaftNode#persisted}, its persisted messages to this node stepped) only when
 *       it and every earlier write is durable. A Ready without a write but with persisted
 *       messages becomes a barrier behind the writes in flight.</li>
 *   <li>The persisted messages to other nodes are sent exactly once: early, from the storage
 *       completion (storage futures complete in order, so every earlier write is durable then
 *       too), or at release, whichever claims them first.</li>
 *   <li>A failed write is fatal: {@link #releaseDurable()} throws, so nothing written after it
 *       is ever acknowledged.</li>
 *   <li>Snapshots (InstallSnapshot): the chunks the leader's core asks for are read from the
 *       snapshot store and sent with the Ready's messages; a chunk that can no longer be read (a
 *       newer snapshot replaced it) is not sent, and the core's retry sends the newer one. On a
 *       follower, chunks received go into one open {@link SnapshotSink} (at most one: the first
 *       chunk of a transfer discards a partial one), the last one commits it with the leader's
 *       checksum, and only then does the core switch to it; the log compaction that follows is
 *       the first part of the next write, so the "done" answer leaves only once the store and
 *       the log hold the snapshot durably.</li>
 * </ul>
 */
public final class ReadyPipeline {

    private static final Logger log = LoggerFactory.getLogger(ReadyPipeline.class);

    /** The calls the pipeline makes on its node: {@link RaftNode}'s, narrowed so the pipeline is testable alone. */
    interface Core {
        void advance(Ready ready);

        void persisted(long index, long term);

        void step(Message message);

        default void persistedSnapshot(SnapshotMeta meta) {
        }

        default void snapshotReceived(SnapshotMeta meta) {
        }

        default void snapshotReceiveFailed(SnapshotMeta meta) {
        }

        default void snapshotAvailable(SnapshotInfo info) {
        }
    }

    /** What a node does with snapshots besides the Ready: where they are kept, and how the log is compacted. */
    public interface Snapshots {
        /** The node's snapshot store, or null if it keeps none (then it can neither send nor receive one). */
        SnapshotStore store();

        /** Compacts the log storage to {@code meta} ({@link io.raftkit.spi.LogStorage#compact}). */
        CompletableFuture<Void> compact(SnapshotMeta meta);

        /** A snapshot received from the leader was committed to the store (for metrics); called on the owner. */
        default void received(StoredSnapshot stored) {
        }

        /** Snapshot bytes were sent to a follower (for metrics); called on the owner. */
        default void chunkSent(String to, int bytes) {
        }

        /** A received chunk could not be stored or the snapshot not committed (for metrics). */
        default void receiveFailed(SnapshotMeta meta, Exception cause) {
        }
    }

    /** No snapshot store: the node never compacts, sends or receives snapshots. */
    static final Snapshots NO_SNAPSHOTS = new Snapshots() {
        @Override
        public SnapshotStore store() {
            return null;
        }

        @Override
        public CompletableFuture<Void> compact(SnapshotMeta meta) {
            return CompletableFuture.failedFuture(new IllegalStateException("no snapshot store"));
        }
    };

    /** Where a Ready's write goes: {@link io.raftkit.spi.LogStorage#append} or a decorator of it. */
    @FunctionalInterface
    public interface Storage {
        /** Starts a write; the future completes when it is durable. Futures complete in call order. */
        CompletableFuture<Void> append(HardState hardState, List<Entry> entries);
    }

    /** What the host does with the parts of a Ready that are not I/O. Called on the owning thread. */
    public interface ApplySink {
        /** Role, term or leader changed; called first, before the Ready's messages are sent. */
        void softState(SoftState softState);

        /** Committed, durable entries to apply, in log order, never empty. */
        void committed(List<Entry> entries);

        /** ReadIndex reads that are safe once their index is applied, never empty. */
        void readStates(List<ReadState> readStates);

        /**
         * The state machine must be restored from the snapshot store's snapshot at {@code meta}'s
         * index before the committed entries that follow (a snapshot installed from the leader).
         */
        default void restore(SnapshotMeta meta) {
            throw new UnsupportedOperationException("this host cannot restore snapshots");
        }
    }

    /**
     * A storage write (or a no-write barrier, future null) whose persisted messages wait for it
     * and all earlier writes. The flag makes sure only one of the completion callback and the
     * release sends the messages to other nodes: the storage thread races the owner on it.
     */
    private static final class PendingWrite extends AtomicBoolean {
        final CompletableFuture<Void> future;
        final List<Message> persistedMessages;
        final Entry last;
        final SnapshotMeta snapshot;

        PendingWrite(CompletableFuture<Void> future, List<Message> persistedMessages, Entry last,
                     SnapshotMeta snapshot) {
            this.future = future;
            this.persistedMessages = persistedMessages;
            this.last = last;
            this.snapshot = snapshot;
        }

        /** True for the one caller that gets to send the messages. */
        boolean claimSend() {
            return !get() && compareAndSet(false, true);
        }

        boolean durable() {
            return future == null || future.isDone();
        }
    }

    private final String id;
    private final Core node;
    private final Storage storage;
    private final Consumer<Message> send;
    private final ApplySink sink;
    private final Runnable wakeup;
    private final Executor completions;
    private final Snapshots snapshots;
    private final ArrayDeque<PendingWrite> writes = new ArrayDeque<>();
    /** The snapshot being received from the leader, or null. */
    private SnapshotSink receiving;
    /** The last hard state handed to storage, and a newer one that differs from it only in commit. */
    private HardState writtenHardState;
    private HardState deferredHardState;

    /**
     * @param node             the node whose Readies this handles
     * @param durableHardState the hard state the storage holds now (what the node was restored from)
     * @param storage          takes the writes
     * @param send             sends a message to another node; also called from the completion callback
     * @param sink             takes soft-state changes, committed entries and read states
     * @param wakeup           called from the completion callback once a write completed, so the
     *                         owner calls {@link #releaseDurable()} soon
     * @param completions      runs the completion callback of each write: the storage thread itself
     *                         ({@code Runnable::run}) in the runtime, a delayed event in the simulator
     */
    public ReadyPipeline(RaftNode node, HardState durableHardState, Storage storage, Consumer<Message> send,
                         ApplySink sink, Runnable wakeup, Executor completions) {
        this(node, durableHardState, storage, send, sink, wakeup, completions, NO_SNAPSHOTS);
    }

    /**
     * A pipeline that also sends, receives and installs snapshots (see the class comment).
     *
     * @param snapshots the snapshot store and the log's compaction
     */
    public ReadyPipeline(RaftNode node, HardState durableHardState, Storage storage, Consumer<Message> send,
                         ApplySink sink, Runnable wakeup, Executor completions, Snapshots snapshots) {
        this(node.nodeId(), new Core() {
            @Override
            public void advance(Ready ready) {
                node.advance(ready);
            }

            @Override
            public void persisted(long index, long term) {
                node.persisted(index, term);
            }

            @Override
            public void step(Message message) {
                node.step(message);
            }

            @Override
            public void persistedSnapshot(SnapshotMeta meta) {
                node.persistedSnapshot(meta);
            }

            @Override
            public void snapshotReceived(SnapshotMeta meta) {
                node.snapshotReceived(meta);
            }

            @Override
            public void snapshotReceiveFailed(SnapshotMeta meta) {
                node.snapshotReceiveFailed(meta);
            }

            @Override
            public void snapshotAvailable(SnapshotInfo info) {
                node.snapshotAvailable(info);
            }
        }, durableHardState, storage, send, sink, wakeup, completions, snapshots);
    }

    ReadyPipeline(String id, Core node, HardState durableHardState, Storage storage, Consumer<Message> send,
                  ApplySink sink, Runnable wakeup, Executor completions) {
        this(id, node, durableHardState, storage, send, sink, wakeup, completions, NO_SNAPSHOTS);
    }

    ReadyPipeline(String id, Core node, HardState durableHardState, Storage storage, Consumer<Message> send,
                  ApplySink sink, Runnable wakeup, Executor completions, Snapshots snapshots) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.id = Objects.requireNonNull(id, "id");
        this.node = Objects.requireNonNull(node, "node");
        this.writtenHardState = durableHardState;
        this.storage = Objects.requireNonNull(storage, "storage");
        this.send = Objects.requireNonNull(send, "send");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
        this.completions = Objects.requireNonNull(completions, "completions");
    }

    /**
     * Handles one Ready taken from {@link RaftNode#ready()} and advances the node past it: sends,
     * starts its write, hands its committed entries and read states to the sink.
     */
    public void handleReady(Ready rd) {
        if (rd.softState() != null) {
            sink.softState(rd.softState());
        }
        List<Message> msgs = rd.messages();
        for (int i = 0, n = msgs.size(); i < n; i++) {
            Message m = msgs.get(i);
            if (!supersededLater(msgs, i, m)) {
                send.accept(m);
            }
        }
        for (SnapshotSend s : rd.snapshotSends()) {
            sendChunk(s);
        }
        HardState hs = hardStateToWrite(rd);
        List<Message> after = rd.persistedMessages();
        PendingWrite pending = null;
        SnapshotMeta snap = rd.snapshot();
        if (hs != null || !rd.entries().isEmpty() || snap != null) {
            CompletableFuture<Void> write;
            if (snap != null) {
                // the log is reset to the snapshot before the entries after it are written
                CompletableFuture<Void> compaction = snapshots.compact(snap);
                write = hs != null || !rd.entries().isEmpty()
                        ? CompletableFuture.allOf(compaction, storage.append(hs, rd.entries())) : compaction;
            } else {
                write = storage.append(hs, rd.entries());
            }
            PendingWrite w = new PendingWrite(write, after, rd.lastEntry(), snap);
            pending = w;
            write.whenCompleteAsync((v, e) -> {
                if (e == null && !w.persistedMessages.isEmpty()) {
                    sendEarly(w);
                }
                wakeup.run();
            }, completions);
        }
        if (snap != null) {
            sink.restore(snap);
        }
        if (!rd.committedEntries().isEmpty()) {
            sink.committed(rd.committedEntries());
        }
        if (!rd.readStates().isEmpty()) {
            sink.readStates(rd.readStates());
        }
        node.advance(rd);
        if (pending != null) {
            writes.addLast(pending);
        } else if (!after.isEmpty()) {
            if (writes.isEmpty()) {
                releasePersisted(after, null, null, true); // every earlier write is already durable
            } else {
                writes.addLast(new PendingWrite(null, after, null, null));
            }
        }
        if (!rd.snapshotChunks().isEmpty()) {
            receiveChunks(rd.snapshotChunks());
        }
    }

    /** Reads a chunk the core asked for from the store and sends it; skipped if that snapshot is gone. */
    private void sendChunk(SnapshotSend s) {
        SnapshotStore store = snapshots.store();
        StoredSnapshot stored = store == null ? null : store.latest().orElse(null);
        if (stored == null || !stored.meta().equals(s.snapshot().meta())) {
            log.debug("{}: snapshot {} is no longer in the store; chunk at {} not sent", id, s.snapshot().meta(),
                    s.offset());
            return;
        }
        byte[] data = new byte[s.length()];
        try {
            int done = 0;
            while (done < data.length) {
                int n = stored.read(s.offset() + done, data, done, data.length - done);
                if (n < 0) {
                    throw new IOException("the snapshot ends at " + (s.offset() + done) + ", before the chunk");
                }
                done += n;
            }
        } catch (IOException e) {
            log.warn("{}: cannot read the snapshot at index {} to send it to {}: {}", id, s.snapshot().index(), s.to(),
                    e.toString());
            return; // lost, as far as the core can tell: it sends again after its retry interval
        }
        send.accept(s.toMessage(id, data));
        snapshots.chunkSent(s.to(), data.length);
    }

    /**
     * Appends received chunks (in order, each continuing the one before) to the open sink; the
     * first chunk of a transfer opens a new one, discarding a partial one; the last commits it with
     * the leader's checksum. The core hears of the outcome of the last chunk, or of any failure.
     */
    private void receiveChunks(List<SnapshotChunk> chunks) {
        SnapshotMeta failed = null;
        for (SnapshotChunk c : chunks) {
            if (c.meta().equals(failed)) {
                continue;
            }
            try {
                receiveChunk(c);
            } catch (IOException | RuntimeException e) {
                log.warn("{}: cannot store the snapshot at index {} from {}: {}", id, c.meta().index(), c.from(),
                        e.toString());
                closeReceiving();
                failed = c.meta();
                snapshots.receiveFailed(c.meta(), e);
                node.snapshotReceiveFailed(c.meta());
            }
        }
    }

    private void receiveChunk(SnapshotChunk c) throws IOException {
        if (c.offset() == 0) {
            closeReceiving();
            SnapshotStore store = snapshots.store();
            if (store == null) {
                throw new IOException("this node has no snapshot store");
            }
            receiving = store.begin(c.meta());
        }
        if (receiving == null || !receiving.meta().equals(c.meta()) || receiving.size() != c.offset()) {
            throw new IOException("chunk at " + c.offset() + " does not continue the snapshot being received");
        }
        receiving.write(c.data(), 0, c.data().length);
        if (c.last()) {
            SnapshotSink sink = receiving;
            receiving = null;
            StoredSnapshot stored;
            try {
                stored = sink.commit(c.snapshotCrc32c());
            } finally {
                sink.close();
            }
            snapshots.received(stored);
            node.snapshotAvailable(new SnapshotInfo(stored.meta(), stored.sizeBytes(), stored.crc32c()));
            node.snapshotReceived(c.meta());
        }
    }

    private void closeReceiving() {
        if (receiving != null) {
            receiving.close();
            receiving = null;
        }
    }

    /** Discards a partial snapshot being received (the node is stopping). */
    public void close() {
        closeReceiving();
    }

    /**
     * Releases, in order, every write that is durable and every barrier behind them.
     *
     * @return whether anything was released
     * @throws LogStorageException if a write failed: the node must stop (fail-stop), so it never
     *                             acknowledges what is not durable
     */
    public boolean releaseDurable() {
        boolean any = false;
        PendingWrite w;
        while ((w = writes.peekFirst()) != null && w.durable()) {
            writes.pollFirst();
            if (w.future != null && w.future.isCompletedExceptionally()) {
                throw writeFailed(w.future);
            }
            releasePersisted(w.persistedMessages, w.last, w.snapshot, w.persistedMessages.isEmpty() || w.claimSend());
            any = true;
        }
        return any;
    }

    /** Whether {@link #releaseDurable()} has something to release now. */
    public boolean hasReleasable() {
        PendingWrite w = writes.peekFirst();
        return w != null && w.durable();
    }

    /** Writes and barriers not released yet. */
    /**
     * The oldest storage write not yet durable, as an identity to compare between calls (the same
     * object while that write is outstanding), or null if none is: a host measures how long its
     * disk has been stuck on one write ({@link StalledWriteGuard}).
     */
    public Object oldestPendingWrite() {
        for (PendingWrite w : writes) {
            if (!w.durable()) {
                return w;
            }
        }
        return null;
    }

    public int pendingWrites() {
        return writes.size();
    }

    private static LogStorageException writeFailed(CompletableFuture<Void> future) {
        Throwable cause;
        try {
            future.join();
            cause = new IllegalStateException("write failed");
        } catch (CompletionException e) {
            cause = e.getCause() == null ? e : e.getCause();
        } catch (RuntimeException e) {
            cause = e; // cancelled
        }
        return new LogStorageException("a log storage write failed; the node stops (fail-stop) so it never"
                + " acknowledges what is not durable", cause);
    }

    private void releasePersisted(List<Message> persistedMessages, Entry last, SnapshotMeta snapshot,
                                  boolean sendToOthers) {
        if (snapshot != null) {
            node.persistedSnapshot(snapshot);
        }
        if (last != null) {
            node.persisted(last.index(), last.term());
        }
        for (int i = 0, n = persistedMessages.size(); i < n; i++) {
            Message m = persistedMessages.get(i);
            if (m.to().equals(id)) {
                node.step(m);
            } else if (sendToOthers) {
                send.accept(m);
            }
        }
    }

    /** In the completion callback of a durable write: send its persisted messages to other nodes now. */
    private void sendEarly(PendingWrite w) {
        if (w.claimSend()) {
            List<Message> msgs = w.persistedMessages;
            for (int i = 0, n = msgs.size(); i < n; i++) {
                Message m = msgs.get(i);
                if (!m.to().equals(id)) {
                    send.accept(m);
                }
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
}
