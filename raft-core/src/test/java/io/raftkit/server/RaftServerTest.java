package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static io.raftkit.server.Futures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.core.Role;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Entry;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RaftServerTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, UTF_8);
    }

    @Test
    void aSingleNodeElectsItselfAppliesCommandsAndServesReads() throws Exception {
        try (LocalCluster c = new LocalCluster(1).startAll()) {
            RaftServer n1 = c.awaitLeader();
            assertThat(s(n1.submit(b("a")).get(5, TimeUnit.SECONDS))).endsWith(":a");
            assertThat(s(n1.submit(b("b")).get(5, TimeUnit.SECONDS))).endsWith(":b");
            assertThat(CountingStateMachine.count(n1.query(b("?")).get(5, TimeUnit.SECONDS))).isEqualTo(2);
            ServerStatus st = n1.status();
            assertThat(st.role()).isEqualTo(Role.LEADER);
            assertThat(st.leaderId()).isEqualTo("n1");
            assertThat(st.appliedIndex()).isEqualTo(st.commitIndex()).isGreaterThanOrEqualTo(4); // config, noop, a, b
        }
    }

    @Test
    void threeNodesElectOneLeaderAndApplyEveryCommandInTheSameOrderEverywhere() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer leader = c.awaitLeader();
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                futures.add(leader.submit(b("c" + i)));
            }
            for (int i = 0; i < 500; i++) {
                assertThat(s(futures.get(i).get(10, TimeUnit.SECONDS))).endsWith(":c" + i);
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    c.machines.values().stream().allMatch(m -> m.size() == 500));
            List<String> expected = c.machine(leader.nodeId()).applied();
            for (CountingStateMachine m : c.machines.values()) {
                assertThat(m.applied()).containsExactlyElementsOf(expected);
                assertThat(m.indexes()).containsExactlyElementsOf(c.machine(leader.nodeId()).indexes());
            }
        }
    }

    @Test
    void withForwardingOffAFollowerRefusesProposalsAndReadsAtOnceNamingTheLeaderAndItsTerm() {
        LocalCluster c = new LocalCluster(3);
        c.serving = ServingConfig.defaults().withForwarding(false);
        try (c) {
            c.startAll();
            RaftServer leader = c.awaitLeader();
            RaftServer follower = c.servers.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
            Throwable t = failureOf(follower.submit(b("x")));
            assertThat(t).isInstanceOf(NotLeaderException.class);
            assertThat(((NotLeaderException) t).leaderId()).isEqualTo(leader.nodeId());
            assertThat(((NotLeaderException) t).term()).isEqualTo(leader.status().term());
            assertThat(t).hasMessageContaining(leader.nodeId());
            assertThat(failureOf(follower.query(b("?")))).isInstanceOf(NotLeaderException.class);
        }
    }

    @Test
    void proposalsInFlightWhenTheLeaderIsCutOffFailWithUnknownOutcomeAndTheMajorityElectsANewLeader() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer old = c.awaitLeader();
            old.submit(b("before")).get(5, TimeUnit.SECONDS);
            c.network.isolate(old.nodeId());
            List<CompletableFuture<byte[]>> lost = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                lost.add(old.submit(b("lost" + i)));
            }
            for (CompletableFuture<byte[]> f : lost) {
                Throwable t = failureOf(f);
                assertThat(t).isInstanceOf(UnknownOutcomeException.class)
                        .hasMessageContaining("may or may not be committed");
            }
            List<String> others = c.servers.keySet().stream().filter(id -> !id.equals(old.nodeId())).toList();
            RaftServer fresh = c.awaitLeader(others);
            assertThat(fresh.nodeId()).isNotEqualTo(old.nodeId());
            assertThat(s(fresh.submit(b("after")).get(5, TimeUnit.SECONDS))).endsWith(":after");
            c.network.heal();
            await().atMost(Duration.ofSeconds(10)).until(() -> c.machine(old.nodeId()).applied().contains("after"));
            assertThat(c.machine(old.nodeId()).applied()).doesNotContain("lost0");
        }
    }

    @Test
    void aProposalThatCannotCommitTimesOutWithUnknownOutcome() {
        // CheckQuorum off: the cut-off leader stays leader, so only the request timeout ends the wait
        try (LocalCluster c = new LocalCluster(3, cfg -> cfg.withCheckQuorum(false)
                .withRequestTimeout(Duration.ofMillis(300))).startAll()) {
            RaftServer leader = c.awaitLeader();
            c.network.isolate(leader.nodeId());
            long t0 = System.nanoTime();
            Throwable t = failureOf(leader.submit(b("x")));
            assertThat(t).isInstanceOf(UnknownOutcomeException.class).hasMessageContaining("timed out");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(250);
            Throwable r = failureOf(leader.query(b("?")));
            assertThat(r).isInstanceOfAny(TimeoutException.class, NotLeaderException.class);
        }
    }

    @Test
    void aCommandTooBigToReplicateIsRefusedAndTheClusterKeepsWorking() throws Exception {
        try (LocalCluster c = new LocalCluster(3, cfg -> cfg.withMaxAppendBytes(1024)).startAll()) {
            RaftServer leader = c.awaitLeader();
            assertThat(failureOf(leader.submit(new byte[1025]))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxAppendBytes");
            assertThat(leader.submit(new byte[1024]).get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(leader.submit(b("after")).get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void tooManyPendingRequestsAreRefusedWithOverloaded() throws Exception {
        try (LocalCluster c = new LocalCluster(1, cfg -> cfg.withMaxPendingRequests(10)).startAll()) {
            RaftServer n1 = c.awaitLeader();
            CountDownLatch gate = new CountDownLatch(1);
            c.machine("n1").beforeApply = () -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            List<CompletableFuture<byte[]>> accepted = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                accepted.add(n1.submit(b("p" + i)));
            }
            assertThat(failureOf(n1.submit(b("one too many")))).isInstanceOf(OverloadedException.class)
                    .hasMessageContaining("maxPendingRequests");
            assertThat(failureOf(n1.query(b("?")))).isInstanceOf(OverloadedException.class);
            gate.countDown();
            for (CompletableFuture<byte[]> f : accepted) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isNotNull();
            }
            assertThat(n1.submit(b("later")).get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void aRestartedNodeDoesNotReapplyWhatItsStateMachineAlreadyHas() throws Exception {
        try (LocalCluster c = new LocalCluster(1)) {
            CountingStateMachine durable = new CountingStateMachine(true, 0);
            c.start("n1", new InMemoryLogStorage(), durable);
            RaftServer n1 = c.awaitLeader();
            for (int i = 0; i < 5; i++) {
                n1.submit(b("x" + i)).get(5, TimeUnit.SECONDS);
            }
            long appliedBefore = durable.lastApplied;
            // the state machine keeps its state and its applied index across the restart
            RaftServer again = c.restart("n1", durable);
            c.awaitLeader();
            assertThat(s(again.submit(b("y")).get(5, TimeUnit.SECONDS))).endsWith(":y");
            assertThat(durable.applied()).containsExactly("x0", "x1", "x2", "x3", "x4", "y");
            assertThat(durable.indexes().get(5)).isGreaterThan(appliedBefore);

            // an in-memory state machine (lastAppliedIndex 0) gets everything again
            CountingStateMachine fresh = new CountingStateMachine();
            c.restart("n1", fresh);
            c.awaitLeader();
            await().atMost(Duration.ofSeconds(5)).until(() -> fresh.size() == 6);
            assertThat(fresh.applied()).containsExactly("x0", "x1", "x2", "x3", "x4", "y");
        }
    }

    @Test
    void aFollowerRestartedAfterMissingEntriesCatchesUp() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer leader = c.awaitLeader();
            String lagger = c.servers.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
            c.server(lagger).close();
            List<CompletableFuture<byte[]>> fs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                fs.add(leader.submit(b("m" + i)));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            CountingStateMachine sm = new CountingStateMachine();
            c.restart(lagger, sm);
            await().atMost(Duration.ofSeconds(10)).until(() -> sm.size() == 300);
            assertThat(sm.applied()).containsExactlyElementsOf(c.machine(leader.nodeId()).applied());
        }
    }

    @Test
    void aReadAfterAWriteSeesTheWrite() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer leader = c.awaitLeader();
            for (int i = 1; i <= 20; i++) {
                leader.submit(b("w" + i)).get(5, TimeUnit.SECONDS);
                assertThat(CountingStateMachine.count(leader.query(b("?")).get(5, TimeUnit.SECONDS))).isEqualTo(i);
            }
        }
    }

    @Test
    void closeFailsWhatIsPendingIsIdempotentAndLeavesNoThreads() throws Exception {
        LocalCluster c = new LocalCluster(3).startAll();
        RaftServer leader = c.awaitLeader();
        leader.submit(b("ok")).get(5, TimeUnit.SECONDS);
        c.network.isolate(leader.nodeId());
        CompletableFuture<byte[]> inFlight = leader.submit(b("pending"));
        leader.close();
        leader.close();
        assertThat(failureOf(inFlight)).isInstanceOfAny(UnknownOutcomeException.class, ServerClosedException.class);
        assertThat(failureOf(leader.submit(b("after close")))).isInstanceOf(ServerClosedException.class);
        assertThat(failureOf(leader.query(b("?")))).isInstanceOf(ServerClosedException.class);
        assertThat(leader.status().running()).isFalse();
        c.close();
        c.close();
        assertThat(raftThreads()).isEmpty();
    }

    @Test
    void aFailedStorageWriteStopsTheServerAndCloseStillReleasesEverything() throws Exception {
        LocalCluster c = new LocalCluster(1).startAll();
        RaftServer n1 = c.awaitLeader();
        n1.submit(b("ok")).get(5, TimeUnit.SECONDS);
        c.storages.get("n1").failWrites(true);
        Throwable t = failureOf(n1.submit(b("lost")));
        assertThat(t).isInstanceOfAny(UnknownOutcomeException.class, ServerClosedException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> !n1.status().running());
        assertThat(n1.failure()).isNotNull();
        assertThat(failureOf(n1.submit(b("after")))).isInstanceOf(ServerClosedException.class)
                .hasMessageContaining("fatal error");
        c.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> raftThreads().isEmpty());
    }

    @Test
    void leaderListenersHearOfEveryLeader() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            RaftServer first = c.awaitLeader();
            RaftServer watcher = c.servers.values().stream().filter(s -> s != first).findFirst().orElseThrow();
            watcher.addLeaderListener((leaderId, term, self) -> seen.add(leaderId + "@" + term));
            c.network.isolate(first.nodeId());
            List<String> others = c.servers.keySet().stream().filter(id -> !id.equals(first.nodeId())).toList();
            RaftServer second = c.awaitLeader(others);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    seen.contains(second.nodeId() + "@" + second.status().term()));
        }
    }

    @Test
    void metricsAreRecordedUnderRaftNames() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LocalCluster c = new LocalCluster(3)) {
            c.registry = registry;
            c.startAll();
            RaftServer leader = c.awaitLeader();
            for (int i = 0; i < 50; i++) {
                leader.submit(b("m" + i)).get(5, TimeUnit.SECONDS);
            }
            leader.query(b("?")).get(5, TimeUnit.SECONDS);
            String id = leader.nodeId();
            assertThat(registry.get("raft.role").tag("node", id).gauge().value()).isEqualTo(3.0);
            assertThat(registry.get("raft.term").tag("node", id).gauge().value()).isGreaterThanOrEqualTo(1.0);
            assertThat(registry.get("raft.applied.index").tag("node", id).gauge().value()).isGreaterThanOrEqualTo(52);
            assertThat(registry.get("raft.commit.index").tag("node", id).gauge().value()).isGreaterThanOrEqualTo(52);
            assertThat(registry.get("raft.proposal.latency").tag("node", id).timer().count()).isEqualTo(50);
            assertThat(registry.get("raft.proposals").tag("node", id).tag("result", "accepted").counter().count())
                    .isEqualTo(50);
            assertThat(registry.get("raft.read.latency").tag("node", id).timer().count()).isEqualTo(1);
            assertThat(registry.get("raft.storage.append.latency").tag("node", id).timer().count()).isPositive();
            assertThat(registry.get("raft.append.batch.size").tag("node", id).summary().count()).isPositive();
            assertThat(registry.get("raft.elections.won").tag("node", id).counter().count()).isEqualTo(1);
            assertThat(registry.get("raft.elections.started").tag("node", id).counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("raft.leader.changes").tag("node", id).counter().count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.get("raft.follower.match.lag").tag("node", id).gauges()).hasSize(2);
        }
        assertThat(registry.getMeters()).isEmpty(); // removed on close
    }

    @Test
    void theBuilderSaysWhatIsMissing() {
        assertThatThrownBy(() -> RaftServer.builder().build()).hasMessageContaining("nodeId");
        assertThatThrownBy(() -> RaftServer.builder().nodeId("n1").build()).hasMessageContaining("members");
        InetSocketAddress somewhere = new InetSocketAddress("127.0.0.1", 7001);
        assertThatThrownBy(() -> RaftServer.builder().nodeId("n1").member("n2", somewhere).build())
                .hasMessageContaining("do not include this node");
        assertThatThrownBy(() -> RaftServer.builder().nodeId("n1").member("n1", somewhere).build())
                .hasMessageContaining("transport");
        assertThatThrownBy(() -> RaftServer.builder().member("n1", null)).hasMessageContaining("address of member n1");
        assertThatThrownBy(() -> RaftServer.builder().clusterName(" ")).hasMessageContaining("clusterName");
    }

    @Test
    void startRefusesMaxAppendBytesTheTransportCannotCarry() {
        long limit = 64 << 10;
        Transport small = new LimitedTransport(limit);
        RaftServer server = RaftServer.builder().nodeId("n1").member("n1", new InetSocketAddress("127.0.0.1", 7001))
                .transport(small).logStorage(new InMemoryLogStorage()).stateMachine(new CountingStateMachine())
                .config(ServerConfig.defaults().withMaxAppendBytes(limit - Entry.OVERHEAD_BYTES + 1))
                .build();
        try {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("maxAppendBytes (" + (limit - Entry.OVERHEAD_BYTES + 1) + ")")
                    .hasMessageContaining("maxMessageBytes")
                    .hasMessageContaining("maxFrameBytes")
                    .hasMessageContaining("at most " + (limit - Entry.OVERHEAD_BYTES));
        } finally {
            server.close();
        }
    }

    @Test
    void startAcceptsTheLargestMaxAppendBytesTheTransportCarries() {
        long limit = 64 << 10;
        LimitedTransport small = new LimitedTransport(limit);
        try (RaftServer server = RaftServer.builder().nodeId("n1").clusterName("tiny")
                .member("n1", new InetSocketAddress("127.0.0.1", 7001))
                .transport(small).logStorage(new InMemoryLogStorage()).stateMachine(new CountingStateMachine())
                .config(ServerConfig.defaults().withMaxAppendBytes(limit - Entry.OVERHEAD_BYTES))
                .build().start()) {
            assertThat(small.context).isEqualTo(new TransportContext("n1",
                    ClusterId.derive("tiny", List.of("n1")), Map.of("n1", new InetSocketAddress("127.0.0.1", 7001))));
            assertThat(server.clusterId()).isEqualTo(small.context.clusterId());
        }
    }

    /** A transport that carries nothing and reports a small message limit. */
    private static final class LimitedTransport implements Transport {
        private final long limit;
        private volatile TransportContext context;

        LimitedTransport(long limit) {
            this.limit = limit;
        }

        @Override
        public void start(TransportContext context, java.util.function.Consumer<Message> inbound) {
            this.context = context;
        }

        @Override
        public void send(Message message) {
        }

        @Override
        public long maxMessageBytes() {
            return limit;
        }

        @Override
        public void close() {
        }
    }

    static List<String> raftThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && isServerThread(t.getName())) {
                names.add(t.getName());
            }
        }
        return names;
    }

    private static boolean isServerThread(String name) {
        for (String prefix : List.of("raft-loop-", "raft-apply-", "raft-timer-", "raft-callback-", "raft-notify-")) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
