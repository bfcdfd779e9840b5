package io.raftkit.core;

import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.message.Message;
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
        final List<ReadState> readStates = new ArrayList<>();
        final ArrayDeque<PendingWrite> unsynced = new ArrayDeque<>();
        RaftConfig config;
        long seed;

        Host(String id) {
            this.id = id;
        }

        List<byte[]> appliedCommands() {
            List<byte[]> out = new ArrayList<>();
            for (Entry e : applied) {
                if (e.type() == EntryType.COMMAND) {
                    out.add(e.data());
                }
            }
            return out;
        }
    }

    record PendingWrite(CompletableFuture<Void> future, List<Message> persistedMessages, Entry last) {
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
        CompletableFuture<Void> write = rd.needsWrite()
                ? h.storage.append(rd.hardState(), rd.entries())
                : CompletableFuture.completedFuture(null);
        h.applied.addAll(rd.committedEntries());
        h.readStates.addAll(rd.readStates());
        h.node.advance(rd);
        if (manualSync) {
            h.unsynced.add(new PendingWrite(write, rd.persistedMessages(), rd.lastEntry()));
        } else {
            afterPersist(h, rd.persistedMessages(), rd.lastEntry());
        }
    }

    private void afterPersist(Host h, List<Message> persistedMessages, Entry last) {
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
            afterPersist(h, w.persistedMessages, w.last);
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
        h.node = new RaftNode(h.config, h.storage, 0, new Random(h.seed + 1000));
        h.applied.clear();
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
