package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.server.RaftServer;
import io.raftkit.server.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serving from any node on a real cluster (Netty + RocksDB), issue 11. */
class AnyNodeClusterTest {

    @TempDir
    Path dir;

    /**
     * Every node takes writes and linearizable reads, before and after the leader is killed. A
     * read started after a write was acknowledged (anywhere) must count it: the state machine
     * answers how many commands it has applied, and each command is submitted once.
     */
    @Test
    void writesAndLinearizableReadsGoThroughEveryNodeWhileTheLeaderIsKilled() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir).startAll()) {
            RaftServer old = c.awaitLeader();
            AtomicLong acknowledged = new AtomicLong();
            int seq = 0;
            for (int round = 0; round < 10; round++) {
                for (RaftServer s : List.copyOf(c.servers.values())) {
                    seq = writeAndRead(s, "w" + seq, acknowledged, seq);
                }
            }
            c.stop(old.nodeId());
            List<RaftServer> rest = List.copyOf(c.servers.values());
            // right after the kill: every survivor keeps taking requests (some fail with an
            // unknown outcome or wait for the new leader); reads never miss an acknowledged write
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline) {
                for (RaftServer s : rest) {
                    seq = writeAndRead(s, "w" + seq, acknowledged, seq);
                }
            }
            RaftServer fresh = c.awaitLeader(c.others(old.nodeId()));
            long before = acknowledged.get();
            for (int round = 0; round < 10; round++) {
                for (RaftServer s : rest) {
                    seq = writeAndRead(s, "w" + seq, acknowledged, seq);
                }
            }
            assertThat(acknowledged.get() - before).as("every survivor served writes after the failover")
                    .isEqualTo(10L * rest.size());
            assertThat(c.machine(fresh.nodeId()).size()).isGreaterThanOrEqualTo((int) acknowledged.get());
        }
    }

    private static int writeAndRead(RaftServer s, String command, AtomicLong acknowledged, int seq) throws Exception {
        try {
            s.submit(command.getBytes(UTF_8)).get(10, TimeUnit.SECONDS);
            acknowledged.incrementAndGet();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfAny(UnknownOutcomeException.class, NotLeaderException.class);
        }
        long mustSee = acknowledged.get();
        try {
            long seen = RecordingStateMachine.count(s.query(new byte[0], ReadConsistency.LINEARIZABLE)
                    .get(10, TimeUnit.SECONDS));
            assertThat(seen).as("a linearizable read on %s after %d acknowledged writes", s.nodeId(), mustSee)
                    .isGreaterThanOrEqualTo(mustSee);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOfAny(java.util.concurrent.TimeoutException.class,
                    NotLeaderException.class);
        }
        return seq + 1;
    }

    /**
     * The leader's disk stalls: it hands leadership over within the stall bound and an election
     * timeout or so, and the cluster commits again within a bound, through every node.
     */
    @Test
    void aLeaderWhoseDiskStallsHandsOverAndTheClusterKeepsCommitting() throws Exception {
        Map<String, StallingLogStorage> disks = new ConcurrentHashMap<>();
        try (NettyCluster c = new NettyCluster(3, dir)) {
            c.serving = c.serving.withStepDownOnStalledWriteAfter(Duration.ofMillis(500));
            c.wrapStorage = (id, st) -> disks.computeIfAbsent(id, k -> new StallingLogStorage(st));
            c.startAll();
            RaftServer old = c.awaitLeader();
            old.submit("before".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            disks.get(old.nodeId()).stall();
            long t0 = System.nanoTime();
            List<java.util.concurrent.CompletableFuture<byte[]>> during = new ArrayList<>();
            during.add(old.submit("during".getBytes(UTF_8)));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() ->
                    c.others(old.nodeId()).stream().anyMatch(id -> c.server(id).status().isLeader()));
            long handOverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(handOverMillis).as("hand-over after a 500 ms stall").isLessThan(2_500);
            for (RaftServer s : c.servers.values()) {
                long t1 = System.nanoTime();
                s.submit(("after-" + s.nodeId()).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1)).isLessThan(2_000);
            }
            Throwable t = during.get(0).handle((v, e) -> e).get(10, TimeUnit.SECONDS);
            assertThat(t).isInstanceOf(UnknownOutcomeException.class);
            disks.get(old.nodeId()).release();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    c.machine(old.nodeId()).applied().contains("after-" + old.nodeId()));
        }
    }
}
