package io.raftkit.server;

import static io.raftkit.server.Futures.failureOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Forwarding, follower reads and read consistencies on in-process clusters (issue 11). */
class ServeFromAnyNodeTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, UTF_8);
    }

    private static RaftServer aFollower(LocalCluster c, RaftServer leader) {
        return c.servers.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
    }

    @Test
    void aFollowerForwardsCommandsToTheLeaderAndCompletesWithTheLeadersResult() throws Exception {
        try (LocalCluster c = new LocalCluster(3)) {
            c.registry = new SimpleMeterRegistry();
            c.startAll();
            RaftServer leader = c.awaitLeader();
            RaftServer follower = aFollower(c, leader);
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(follower.submit(b("f" + i)));
            }
            for (int i = 0; i < 200; i++) {
                assertThat(s(futures.get(i).get(10, TimeUnit.SECONDS))).endsWith(":f" + i);
            }
            assertThat(c.machine(leader.nodeId()).applied()).contains("f0", "f199");
            assertThat(c.registry.get("raft.forward.sent").tags("node", follower.nodeId(), "type", "write")
                    .counter().count()).isEqualTo(200);
            assertThat(c.registry.get("raft.forward.received").tags("node", leader.nodeId(), "type", "write",
                    "result", "accepted").counter().count()).isEqualTo(200);
            // submitted faster than the loop turns: the commands of one turn travel in one message
            assertThat(c.registry.get("raft.forward.batches").tags("node", follower.nodeId(), "type", "write")
                    .counter().count()).isGreaterThanOrEqualTo(1).isLessThan(200);
        }
    }

    @Test
    void aFollowersLinearizableReadWaitsUntilItHasAppliedTheLeadersReadIndex() throws Exception {
        java.util.Map<String, StallingLogStorage> disks = new java.util.concurrent.ConcurrentHashMap<>();
        try (LocalCluster c = new LocalCluster(3)) {
            c.wrapStorage = (id, st) -> disks.computeIfAbsent(id, k -> new StallingLogStorage(st));
            c.startAll();
            RaftServer leader = c.awaitLeader();
            RaftServer follower = aFollower(c, leader);
            leader.submit(b("w0")).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.machine(follower.nodeId()).size() == 1);
            // the follower's disk stalls: it cannot apply what the others commit, so a read served
            // before it has applied the read index would miss acknowledged writes
            disks.get(follower.nodeId()).stall();
            for (int i = 1; i < 5; i++) {
                leader.submit(b("w" + i)).get(5, TimeUnit.SECONDS);
            }
            CompletableFuture<byte[]> read = follower.query(b("?"));
            assertThat(CountingStateMachine.count(follower.query(b("?"), ReadConsistency.LOCAL).get(5, TimeUnit.SECONDS)))
                    .as("a LOCAL read answers at once from what this node applied").isEqualTo(1);
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !read.isDone());
            disks.get(follower.nodeId()).release();
            assertThat(CountingStateMachine.count(read.get(5, TimeUnit.SECONDS))).isEqualTo(5);
        }
    }

    @Test
    void leaseAndLinearizableReadsOnLeaderAndFollowerSeeEveryAcknowledgedWrite() throws Exception {
        try (LocalCluster c = new LocalCluster(3)) {
            c.registry = new SimpleMeterRegistry();
            c.startAll();
            RaftServer leader = c.awaitLeader();
            RaftServer follower = aFollower(c, leader);
            for (int i = 1; i <= 20; i++) {
                (i % 2 == 0 ? leader : follower).submit(b("w" + i)).get(5, TimeUnit.SECONDS);
                for (RaftServer s : List.of(leader, follower)) {
                    for (ReadConsistency rc : List.of(ReadConsistency.LINEARIZABLE, ReadConsistency.LEASE)) {
                        assertThat(CountingStateMachine.count(s.query(b("?"), rc).get(5, TimeUnit.SECONDS)))
                                .as("%s read on %s after %d writes", rc, s.nodeId(), i).isEqualTo(i);
                    }
                }
            }
            assertThat(c.registry.get("raft.reads").tags("node", leader.nodeId(), "consistency", "lease")
                    .counter().count()).as("the leader served lease reads from its lease").isPositive();
        }
    }

    @Test
    void aLeaderChangeWhileACommandIsForwardedFailsItWithUnknownOutcome() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer old = c.awaitLeader();
            RaftServer follower = aFollower(c, old);
            c.network.isolate(old.nodeId()); // the follower still believes in it and sends it the command
            CompletableFuture<byte[]> lost = follower.submit(b("lost"));
            Throwable t = failureOf(lost);
            assertThat(t).isInstanceOf(UnknownOutcomeException.class).hasMessageContaining("leadership moved");
            List<String> others = c.servers.keySet().stream().filter(id -> !id.equals(old.nodeId())).toList();
            RaftServer fresh = c.awaitLeader(others);
            assertThat(s(follower.submit(b("after")).get(5, TimeUnit.SECONDS))).endsWith(":after");
            assertThat(CountingStateMachine.count(follower.query(b("?")).get(5, TimeUnit.SECONDS)))
                    .isEqualTo(c.machine(fresh.nodeId()).size());
        }
    }

    @Test
    void withNoLeaderKnownACommandWaitsForTheRequestTimeoutThenFailsWithNotLeader() throws Exception {
        try (LocalCluster c = new LocalCluster(3, cfg -> cfg.withRequestTimeout(Duration.ofMillis(400)))) {
            RaftServer lonely = c.start("n1", new InMemoryLogStorage(), new CountingStateMachine());
            long t0 = System.nanoTime();
            Throwable t = failureOf(lonely.submit(b("x")));
            assertThat(t).isInstanceOf(NotLeaderException.class).hasMessageContaining("not proposed");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(350);
        }
    }

    @Test
    void aCommandWaitingForALeaderLeavesAsSoonAsOneIsElected() throws Exception {
        try (LocalCluster c = new LocalCluster(3)) {
            RaftServer first = c.start("n1", new InMemoryLogStorage(), new CountingStateMachine());
            CompletableFuture<byte[]> early = first.submit(b("early"));
            c.start("n2", new InMemoryLogStorage(), new CountingStateMachine());
            c.start("n3", new InMemoryLogStorage(), new CountingStateMachine());
            assertThat(s(early.get(5, TimeUnit.SECONDS))).endsWith(":early");
        }
    }

    @Test
    void theLeaderBoundsTheRequestsOneFollowerHasInFlightThere() throws Exception {
        CountDownLatch stall = new CountDownLatch(1);
        try (LocalCluster c = new LocalCluster(3)) {
            c.serving = ServingConfig.defaults().withMaxForwardedPerFollower(2)
                    .withStepDownOnStalledWriteAfter(Duration.ZERO);
            c.startAll();
            RaftServer leader = c.awaitLeader();
            RaftServer follower = aFollower(c, leader);
            // the leader's state machine blocks: forwarded commands stay in flight there
            c.machine(leader.nodeId()).beforeApply = () -> awaitQuietly(stall);
            List<CompletableFuture<byte[]>> first = List.of(follower.submit(b("a")), follower.submit(b("b")));
            await().atMost(Duration.ofSeconds(5)).until(() -> c.machine(follower.nodeId()).size() == 2);
            Throwable t = failureOf(follower.submit(b("c")));
            assertThat(t).isInstanceOf(OverloadedException.class).hasMessageContaining(leader.nodeId());
            stall.countDown();
            for (CompletableFuture<byte[]> f : first) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isNotNull();
            }
            assertThat(follower.submit(b("d")).get(5, TimeUnit.SECONDS)).isNotNull();
        } finally {
            stall.countDown();
        }
    }

    @Test
    void statusNamesTheLeaderAndItsTermOnEveryNode() {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer leader = c.awaitLeader();
            for (RaftServer s : c.servers.values()) {
                assertThat(s.status().leaderId()).isEqualTo(leader.nodeId());
                assertThat(s.status().term()).isEqualTo(leader.status().term());
            }
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A storage whose writes can be held (a stalled disk): they complete when released. */
    static final class StallingLogStorage extends ForwardingLogStorage {
        private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

        StallingLogStorage(LogStorage delegate) {
            super(delegate);
        }

        void stall() {
            gate = new CompletableFuture<>();
        }

        void release() {
            gate.complete(null);
        }

        @Override
        public CompletableFuture<Void> append(HardState hs, List<Entry> e) {
            CompletableFuture<Void> held = gate;
            CompletableFuture<Void> write = delegate.append(hs, e);
            return held.isDone() ? write : held.thenCompose(v -> write);
        }
    }
}
