package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.memory.InMemorySnapshotStore;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StoredSnapshot;
import java.io.DataOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Snapshots in the runtime: policy, compaction, InstallSnapshot between servers, restart. */
class SnapshotServerTest {

    private static final ServerConfig SMALL = LocalCluster.FAST.withSnapshotPolicy(50, 1 << 30, 10)
            .withSnapshotTransfer(64, 2, 0);

    private final TestNetwork network = new TestNetwork();
    private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    private final Map<String, RaftServer> servers = new LinkedHashMap<>();
    private final Map<String, InMemoryLogStorage> storages = new LinkedHashMap<>();
    private final Map<String, SnapshotStore> stores = new LinkedHashMap<>();
    private final Map<String, ListStateMachine> machines = new LinkedHashMap<>();
    private final Map<String, SimpleMeterRegistry> registries = new LinkedHashMap<>();

    @AfterEach
    void closeAll() {
        servers.values().forEach(RaftServer::close);
    }

    private void cluster(int n) {
        for (int i = 1; i <= n; i++) {
            members.put("n" + i, new InetSocketAddress("127.0.0.1", 7000 + i));
        }
    }

    private RaftServer start(String id, LogStorage storage, SnapshotStore store, ListStateMachine sm,
                             ServerConfig config) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RaftServer.Builder b = RaftServer.builder().nodeId(id).members(members).transport(network.transport(id))
                .logStorage(storage).stateMachine(sm).config(config).meterRegistry(registry);
        if (store != null) {
            b.snapshotStore(store);
        }
        RaftServer s = b.build().start();
        servers.put(id, s);
        machines.put(id, sm);
        registries.put(id, registry);
        return s;
    }

    private RaftServer startInMemory(String id, ServerConfig config) {
        InMemoryLogStorage storage = new InMemoryLogStorage();
        InMemorySnapshotStore store = new InMemorySnapshotStore();
        storages.put(id, storage);
        stores.put(id, store);
        return start(id, storage, store, new ListStateMachine(), config);
    }

    private RaftServer awaitLeader() {
        RaftServer[] found = new RaftServer[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (RaftServer s : servers.values()) {
                if (s.status().running() && s.status().isLeader()) {
                    found[0] = s;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static void submitAll(RaftServer leader, String prefix, int n) {
        List<CompletableFuture<byte[]>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(leader.submit((prefix + i).getBytes(StandardCharsets.UTF_8)));
        }
        futures.forEach(CompletableFuture::join);
    }

    private double counter(String node, String name) {
        var c = registries.get(node).find(name).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void passingTheEntryThresholdTakesASnapshotAndCompactsTheLogKeepingTheMargin() {
        cluster(1);
        RaftServer s = startInMemory("n1", SMALL);
        awaitLeader();
        submitAll(s, "c", 60);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.status().snapshotIndex() >= 50);
        long first = s.status().snapshotIndex();
        submitAll(s, "d", 60);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.status().snapshotIndex() >= first + 50);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.status().firstIndex() > 50);
        ServerStatus st = s.status();
        // compacted to (snapshot index - margin): the margin of entries before the snapshot stays
        assertThat(storages.get("n1").firstIndex() - 1).isLessThanOrEqualTo(st.snapshotIndex() - 10);
        assertThat(counter("n1", "raft.snapshot.taken")).isGreaterThanOrEqualTo(2);
        assertThat(registries.get("n1").find("raft.snapshot.capture.pause").timer().count()).isGreaterThanOrEqualTo(2);
        StoredSnapshot latest = stores.get("n1").latest().orElseThrow();
        // the founding configuration carries the cluster id, so a snapshot hands it on too
        assertThat(latest.meta().config()).isEqualTo(ClusterConfig.of(List.of("n1")).withClusterId(s.clusterId()));
    }

    @Test
    void snapshotOnDemandCoversWhatWasAppliedAndAtMostOneIsInProgress() {
        cluster(1);
        RaftServer s = startInMemory("n1", LocalCluster.FAST);
        awaitLeader();
        submitAll(s, "c", 20);
        long applied = s.status().appliedIndex();
        SnapshotMeta meta = s.snapshot().join();
        assertThat(meta.index()).isGreaterThanOrEqualTo(applied);
        assertThat(stores.get("n1").latest().orElseThrow().meta()).isEqualTo(meta);
        // nothing applied since: asking again answers with the same snapshot
        assertThat(s.snapshot().join()).isEqualTo(meta);
        assertThat(counter("n1", "raft.snapshot.taken")).isEqualTo(1);
    }

    @Test
    void aFollowerBehindTheCompactionPointCatchesUpThroughInstallSnapshot() {
        cluster(3);
        for (String id : members.keySet()) {
            startInMemory(id, SMALL);
        }
        RaftServer leader = awaitLeader();
        String lagging = members.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
        network.isolate(lagging);
        submitAll(leader, "a", 200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> leader.status().firstIndex() > servers.get(lagging).status().lastIndex() + 1);
        network.heal();
        submitAll(leader, "b", 5);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> machines.get(lagging).applied().equals(machines.get(leader.nodeId()).applied()));
        assertThat(machines.get(lagging).restores).isGreaterThanOrEqualTo(1);
        assertThat(counter(lagging, "raft.snapshot.installed")).isGreaterThanOrEqualTo(1);
        assertThat(counter(leader.nodeId(), "raft.snapshot.chunks.sent")).isGreaterThan(1);
        assertThat(servers.get(lagging).status().firstIndex()).isGreaterThan(1);
    }

    @Test
    void aStateMachineWithoutSnapshotSupportKeepsTheWholeLog() {
        cluster(1);
        InMemoryLogStorage storage = new InMemoryLogStorage();
        RaftServer.Builder b = RaftServer.builder().nodeId("n1").members(members).transport(network.transport("n1"))
                .logStorage(storage).stateMachine(new CountingStateMachine()).config(SMALL);
        RaftServer s = b.build().start();
        servers.put("n1", s);
        awaitLeader();
        for (int i = 0; i < 120; i++) {
            s.submit(new byte[] {1}).join();
        }
        assertThatThrownBy(() -> s.snapshot().join()).hasCauseInstanceOf(UnsupportedOperationException.class);
        assertThat(storage.firstIndex()).isEqualTo(1);
        assertThat(s.status().running()).isTrue();
    }

    @Test
    void aDurableLogWithoutASnapshotStoreIsNeverCompacted() {
        cluster(1);
        InMemoryLogStorage inner = new InMemoryLogStorage();
        LogStorage durable = new ForwardingLogStorage(inner) { };
        RaftServer s = start("n1", durable, null, new ListStateMachine(), SMALL);
        awaitLeader();
        submitAll(s, "c", 120);
        assertThat(s.snapshotStore()).isNull();
        assertThatThrownBy(() -> s.snapshot().join()).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(inner.firstIndex()).isEqualTo(1);
    }

    @Test
    void aFailingStoreFailsTheSnapshotWhichIsCountedAndTheNodeKeepsRunning() {
        cluster(1);
        SnapshotStore full = new SnapshotStore() {
            @Override
            public Optional<StoredSnapshot> latest() {
                return Optional.empty();
            }

            @Override
            public SnapshotSink begin(SnapshotMeta meta) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() {
            }
        };
        InMemoryLogStorage storage = new InMemoryLogStorage();
        RaftServer s = start("n1", storage, full, new ListStateMachine(), LocalCluster.FAST);
        awaitLeader();
        submitAll(s, "c", 10);
        assertThatThrownBy(() -> s.snapshot().join()).isInstanceOf(CompletionException.class)
                .hasRootCauseMessage("No space left on device");
        assertThat(counter("n1", "raft.snapshot.failed")).isEqualTo(1);
        assertThat(storage.firstIndex()).isEqualTo(1);
        submitAll(s, "d", 3);
        assertThat(s.status().running()).isTrue();
    }

    @Test
    void aRestartedVolatileNodeRestoresItsSnapshotThenReplaysTheLogAfterIt() {
        cluster(1);
        RaftServer s = startInMemory("n1", SMALL);
        awaitLeader();
        submitAll(s, "c", 75);
        await().atMost(Duration.ofSeconds(10)).until(() -> s.status().firstIndex() > 1);
        List<String> before = machines.get("n1").applied();
        long snapIndex = stores.get("n1").latest().orElseThrow().meta().index();
        s.close();
        ListStateMachine fresh = new ListStateMachine();
        RaftServer again = start("n1", storages.get("n1").crash(null), stores.get("n1"), fresh, SMALL);
        awaitLeader();
        await().atMost(Duration.ofSeconds(10)).until(() -> fresh.applied().size() >= before.size());
        assertThat(fresh.applied().subList(0, before.size())).isEqualTo(before);
        assertThat(fresh.restoredAt).isEqualTo(snapIndex);
        assertThat(again.status().running()).isTrue();
    }

    @Test
    void atStartALogThatDoesNotReachTheStoresSnapshotIsCompactedToIt() throws IOException {
        // a crash after a received snapshot was committed to the store, before the log was compacted
        cluster(1);
        InMemoryLogStorage storage = new InMemoryLogStorage();
        storage.append(null, List.of(Entry.config(1, 0, ClusterConfig.of(List.of("n1"))))).join();
        InMemorySnapshotStore store = new InMemorySnapshotStore();
        SnapshotMeta meta = new SnapshotMeta(40, 3, ClusterConfig.of(List.of("n1")));
        SnapshotSink sink = store.begin(meta);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeInt(2);
        data.writeUTF("x");
        data.writeUTF("y");
        sink.write(bytes.toByteArray(), 0, bytes.size());
        sink.commit(null);
        ListStateMachine sm = new ListStateMachine();
        RaftServer s = start("n1", storage, store, sm, LocalCluster.FAST);
        assertThat(storage.firstIndex()).isEqualTo(41);
        assertThat(sm.applied()).containsExactly("x", "y");
        awaitLeader();
        s.submit("z".getBytes(StandardCharsets.UTF_8)).join();
        assertThat(sm.applied()).containsExactly("x", "y", "z");
    }

    @Test
    void aLeaderReportsInstallProgressInStatus() {
        cluster(3);
        ServerConfig slow = SMALL.withSnapshotTransfer(16, 1, 16 * 200); // 16 bytes a chunk, ~200 chunks/s
        for (String id : members.keySet()) {
            startInMemory(id, slow);
        }
        RaftServer leader = awaitLeader();
        String lagging = members.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
        network.isolate(lagging);
        submitAll(leader, "a-fairly-long-command-", 120);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> leader.status().firstIndex() > servers.get(lagging).status().lastIndex() + 1);
        network.heal();
        await().atMost(Duration.ofSeconds(10)).until(() -> leader.status().installs().containsKey(lagging));
        ServerStatus.InstallProgress p = leader.status().installs().get(lagging);
        assertThat(p.bytesTotal()).isGreaterThan(16);
        assertThat(p.bytesAcked()).isLessThanOrEqualTo(p.bytesTotal());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> machines.get(lagging).applied().equals(machines.get(leader.nodeId()).applied()));
    }
}
