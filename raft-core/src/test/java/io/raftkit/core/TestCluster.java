package io.raftkit.core;

import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.memory.InMemorySnapshotStore;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.StoredSnapshot;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.SnapshotChunk;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Drives a few {@link RaftNode}s by hand, deterministically: every message goes through one
 * queue that the test controls, storage is in memory and, if asked, synced only on demand.
 */
final class TestCluster {

    /** One node and its host state. */
    static final class Host {
        final String id;
        InMemoryLogStorage storage;
        RaftNode node;
        final List<Entry> applied = new ArrayList<>();
        /** The state machine: the commands applied, in order (a restored snapshot replaces it). */
        final List<byte[]> state = new ArrayList<>();
        long appliedIndex;
        InMemorySnapshotStore snapshots = new InMemorySnapshotStore();
        SnapshotSink receiving;
        /** Commit the next received snapshot with a wrong checksum (a corrupted transfer). */
        boolean corruptNextCommit;
        /** Snapshots installed from a leader. */
        int installed;
        final List<ReadState> readStates = new ArrayList<>();
        final ArrayDeque<PendingWrite> unsynced = new ArrayDeque<>();
        RaftConfig config;
        long seed;

        Host(String id) {
            this.id = id;
        }

        List<byte[]> appliedCommands() {
            return new ArrayList<>(state);
        }

        void apply(List<Entry> entries) {
            applied.addAll(entries);
            for (Entry e : entries) {
                if (e.index() <= appliedIndex) {
                    throw new AssertionError(id + " applies " + e.index() + " again (applied " + appliedIndex + ")");
                }
                appliedIndex = e.index();
                if (e.type() == EntryType.COMMAND) {
                    state.add(e.data());
                }
            }
        }

        byte[] serialize() {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bytes);
                out.writeInt(state.size());
                for (byte[] c : state) {
                    out.writeInt(c.length);
                    out.write(c);
                }
                return bytes.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void restore(SnapshotMeta meta) {
            StoredSnapshot stored = snapshots.latest().orElseThrow();
            if (!stored.meta().equals(meta)) {
                throw new AssertionError(id + " restores " + meta + " but the store holds " + stored.meta());
            }
            try (InputStream in = stored.open()) {
                DataInputStream data = new DataInputStream(in);
                state.clear();
                int n = data.readInt();
                for (int i = 0; i < n; i++) {
                    state.add(data.readNBytes(data.readInt()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            appliedIndex = meta.index();
            installed++;
        }

        /**
         * Takes a snapshot at the applied index, tells the node, and compacts the log keeping
         * {@code margin} entries before it.
         */
        SnapshotMeta takeSnapshot(long margin) {
            SnapshotMeta meta = node.snapshotMetaAt(appliedIndex);
            try {
                SnapshotSink sink = snapshots.begin(meta);
                byte[] bytes = serialize();
                sink.write(bytes, 0, bytes.length);
                StoredSnapshot stored = sink.commit(null);
                node.snapshotAvailable(new SnapshotInfo(meta, stored.sizeBytes(), stored.crc32c()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            long compactAt = meta.index() - margin;
            if (compactAt > storage.firstIndex() - 1) {
                storage.compact(node.snapshotMetaAt(compactAt));
                if (storage.firstIndex() != compactAt + 1) {
                    throw new AssertionError("compaction not visible");
                }
            }
            return meta;
        }
    }

    record PendingWrite(CompletableFuture<Void> future, List<Message> persistedMessages, Entry last,
                        SnapshotMeta snapshot) {
    }

    final Map<String, Host> hosts = new LinkedHashMap<>();
    /** Messages sent and not yet delivered, in order. */
    final List<Message> inFlight = new ArrayList<>();
    /** Every message ever sent, for assertions. */
    final List<Message> sent = new ArrayList<>();
    final Set<String> isolated = new HashSet<>();
    private Predicate<Message> drop = m -> false;
    private final boolean manualSync;

    TestCluster(int n, UnaryOperator<RaftConfig> tweak) {
        this(n, tweak, false);
    }

    TestCluster(int n, UnaryOperator<RaftConfig> tweak, boolean manualSync) {
        this.manualSync = manualSync;
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            ids.add("n" + i);
        }
        ClusterConfig membership = ClusterConfig.of(ids);
        long seed = 1;
        for (String id : ids) {
            Host h = new Host(id);
            h.storage = manualSync ? InMemoryLogStorage.manualSync() : new InMemoryLogStorage();
            if (manualSync) {
                var f = h.storage.append(null, List.of(Entry.config(1, 0, membership)));
                h.storage.sync();
                f.join();
            } else {
                RaftNode.bootstrap(h.storage, membership);
            }
            h.config = tweak.apply(RaftConfig.defaults(id));
            h.seed = seed++;
            h.node = new RaftNode(h.config, h.storage, 0, new Random(h.seed));
            hosts.put(id, h);
        }
    }

    /** Adds a node with an empty log and no configuration: it joins when a leader adds it. */
    Host join(String id) {
        Host h = new Host(id);
        h.storage = manualSync ? InMemoryLogStorage.manualSync() : new InMemoryLogStorage();
        h.config = RaftConfig.defaults(id);
        h.seed = 100 + hosts.size();
        h.node = new RaftNode(h.config, h.storage, 0, new Random(h.seed));
        hosts.put(id, h);
        return h;
    }

    static TestCluster of(int n) {
        return new TestCluster(n, c -> c);
    }

    Host host(String id) {
        return hosts.get(id);
    }

    RaftNode node(String id) {
        return hosts.get(id).node;
    }

    /** Drops every message for which {@code rule} holds, until replaced. */
    void dropWhen(Predicate<Message> rule) {
        this.drop = rule;
    }

    void isolate(String id) {
        isolated.add(id);
    }

    void heal() {
        isolated.clear();
        drop = m -> false;
    }

    /** Processes every node's Ready until none has anything to do; returns messages produced. */
    void processReady() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (Host h : hosts.values()) {
                while (h.node.hasReady()) {
                    handleReady(h);
                    progress = true;
                }
            }
        }
    }

    private void handleReady(Host h) {
        Ready rd = h.node.ready();
        emit(rd.messages());
        for (SnapshotSend s : rd.snapshotSends()) {
            StoredSnapshot stored = h.snapshots.latest().orElseThrow();
            if (stored.meta().equals(s.snapshot().meta())) {
                byte[] data = new byte[s.length()];
                try {
                    stored.read(s.offset(), data, 0, data.length);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                emit(List.of(s.toMessage(h.id, data)));
            }
        }
        CompletableFuture<Void> write = CompletableFuture.completedFuture(null);
        if (rd.snapshot() != null) {
            write = h.storage.compact(rd.snapshot());
        }
        if (rd.hardState() != null || !rd.entries().isEmpty()) {
            write = h.storage.append(rd.hardState(), rd.entries());
        }
        if (rd.snapshot() != null) {
            h.restore(rd.snapshot());
        }
        h.apply(rd.committedEntries());
        h.readStates.addAll(rd.readStates());
        h.node.advance(rd);
        if (manualSync) {
            h.unsynced.add(new PendingWrite(write, rd.persistedMessages(), rd.lastEntry(), rd.snapshot()));
        } else {
            afterPersist(h, rd.persistedMessages(), rd.lastEntry(), rd.snapshot());
        }
        for (SnapshotChunk chunk : rd.snapshotChunks()) {
            receive(h, chunk);
        }
    }

    private static void receive(Host h, SnapshotChunk c) {
        try {
            if (c.offset() == 0) {
                if (h.receiving != null) {
                    h.receiving.close();
                }
                h.receiving = h.snapshots.begin(c.meta());
            }
            if (h.receiving == null || h.receiving.size() != c.offset()) {
                throw new AssertionError(h.id + ": the core handed over a chunk that does not continue the sink");
            }
            h.receiving.write(c.data(), 0, c.data().length);
            if (c.last()) {
                SnapshotSink sink = h.receiving;
                h.receiving = null;
                int crc = h.corruptNextCommit ? c.snapshotCrc32c() ^ 1 : c.snapshotCrc32c();
                h.corruptNextCommit = false;
                StoredSnapshot stored = sink.commit(crc);
                h.node.snapshotAvailable(new SnapshotInfo(stored.meta(), stored.sizeBytes(), stored.crc32c()));
                h.node.snapshotReceived(c.meta());
            }
        } catch (IOException e) {
            h.receiving = null;
            h.node.snapshotReceiveFailed(c.meta());
        }
    }

    private void afterPersist(Host h, List<Message> persistedMessages, Entry last, SnapshotMeta snapshot) {
        if (snapshot != null) {
            h.node.persistedSnapshot(snapshot);
        }
        List<Message> toSelf = new ArrayList<>();
        for (Message m : persistedMessages) {
            if (m.to().equals(h.id)) {
                toSelf.add(m);
            } else {
                emit(List.of(m));
            }
        }
        if (last != null) {
            h.node.persisted(last.index(), last.term());
        }
        for (Message m : toSelf) {
            h.node.step(m);
        }
    }

    /** Syncs {@code id}'s storage: its pending writes become durable and their messages leave. */
    void sync(String id) {
        Host h = hosts.get(id);
        h.storage.sync();
        while (!h.unsynced.isEmpty()) {
            PendingWrite w = h.unsynced.poll();
            if (!w.future.isDone()) {
                throw new AssertionError("write not durable after sync");
            }
            afterPersist(h, w.persistedMessages, w.last, w.snapshot);
        }
    }

    private void emit(List<Message> messages) {
        for (Message m : messages) {
            sent.add(m);
            inFlight.add(m);
        }
    }

    /** Delivers every message in flight (and those they cause) until the cluster is quiet. */
    void stabilize() {
        processReady();
        while (!inFlight.isEmpty()) {
            deliverAll();
            processReady();
        }
    }

    /** Delivers the messages in flight now, once, without processing the replies. */
    void deliverAll() {
        List<Message> batch = new ArrayList<>(inFlight);
        inFlight.clear();
        for (Message m : batch) {
            deliver(m);
        }
    }

    void deliver(Message m) {
        if (isolated.contains(m.from()) || isolated.contains(m.to()) || drop.test(m)) {
            return;
        }
        Host to = hosts.get(m.to());
        if (to != null) {
            to.node.step(m);
        }
    }

    /** Takes the messages in flight out of the network, for a test to inspect or deliver. */
    List<Message> takeInFlight() {
        processReady();
        List<Message> out = new ArrayList<>(inFlight);
        inFlight.clear();
        return out;
    }

    void tick(String id, int times) {
        for (int i = 0; i < times; i++) {
            hosts.get(id).node.tick();
        }
    }

    /** Ticks {@code id} until it leaves the follower role (campaigns), without delivering anything. */
    void timeout(String id) {
        RaftNode n = node(id);
        for (int i = 0; i < 100 && n.role() == Role.FOLLOWER; i++) {
            n.tick();
        }
    }

    /** Ticks {@code id} until it campaigns, then delivers everything. */
    void elect(String id) {
        RaftNode n = node(id);
        for (int i = 0; i < 100 && n.role() == Role.FOLLOWER; i++) {
            n.tick();
        }
        stabilize();
        if (n.role() != Role.LEADER) {
            throw new AssertionError(id + " was not elected: " + n);
        }
    }

    /** Ticks every node once and stabilizes, {@code times} times. */
    void tickAll(int times) {
        for (int i = 0; i < times; i++) {
            for (Host h : hosts.values()) {
                h.node.tick();
            }
            stabilize();
        }
    }

    /** Restarts a node from its durable storage (a crash: what was not synced is lost). */
    void crashAndRestart(String id) {
        Host h = hosts.get(id);
        h.storage = h.storage.crash(null);
        h.unsynced.clear();
        h.receiving = null;
        // a volatile state machine: restored from the newest snapshot, then the log replays after it
        h.applied.clear();
        h.state.clear();
        h.appliedIndex = 0;
        h.installed = 0;
        h.snapshots.latest().ifPresent(s -> h.restore(s.meta()));
        h.node = new RaftNode(h.config, h.storage, h.appliedIndex, new Random(h.seed + 1000));
        h.snapshots.latest().ifPresent(s -> h.node.snapshotAvailable(new SnapshotInfo(s.meta(), s.sizeBytes(),
                s.crc32c())));
    }

    String leader() {
        for (Host h : hosts.values()) {
            if (h.node.role() == Role.LEADER && !isolated.contains(h.id)) {
                return h.id;
            }
        }
        return null;
    }
}
