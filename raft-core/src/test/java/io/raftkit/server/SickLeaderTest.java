package io.raftkit.server;

import static io.raftkit.server.Futures.failureOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.server.ServeFromAnyNodeTest.StallingLogStorage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A leader whose own disk stalls steps away (issue 11). */
class SickLeaderTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    @Test
    void aLeaderWhoseDiskStallsHandsOverToTheMostUpToDateFollowerAndTheClusterKeepsCommitting() throws Exception {
        Map<String, StallingLogStorage> disks = new ConcurrentHashMap<>();
        try (LocalCluster c = new LocalCluster(5)) {
            c.registry = new SimpleMeterRegistry();
            c.serving = ServingConfig.defaults().withStepDownOnStalledWriteAfter(Duration.ofMillis(300));
            c.wrapStorage = (id, st) -> disks.computeIfAbsent(id, k -> new StallingLogStorage(st));
            c.startAll();
            RaftServer old = c.awaitLeader();
            old.submit(b("before")).get(5, TimeUnit.SECONDS);
            String stalledFollower = c.servers.keySet().stream().filter(id -> !id.equals(old.nodeId()))
                    .findFirst().orElseThrow();
            disks.get(stalledFollower).stall(); // keeps its place, but must not be chosen
            disks.get(old.nodeId()).stall();
            CompletableFuture<byte[]> inFlight = old.submit(b("during"));
            long t0 = System.nanoTime();
            Throwable t = failureOf(inFlight);
            assertThat(t).isInstanceOf(UnknownOutcomeException.class).hasMessageContaining("stepped away");
            await().atMost(Duration.ofSeconds(5)).until(() -> c.servers.values().stream()
                    .anyMatch(s -> s.status().isLeader() && !s.nodeId().equals(old.nodeId())));
            RaftServer fresh = c.servers.values().stream()
                    .filter(s -> s.status().isLeader() && !s.nodeId().equals(old.nodeId())).findFirst().orElseThrow();
            assertThat(fresh.nodeId()).isNotEqualTo(stalledFollower);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0))
                    .as("handed over within the stall bound plus an election timeout or so").isLessThan(3_000);
            assertThat(fresh.submit(b("after")).get(5, TimeUnit.SECONDS)).isNotNull();
            // the sick node still takes commands: it forwards them, without its disk
            assertThat(new String(old.submit(b("through-the-sick-node")).get(5, TimeUnit.SECONDS), UTF_8))
                    .endsWith(":through-the-sick-node");
            assertThat(c.registry.get("raft.leader.stepdowns").tags("node", old.nodeId(), "reason", "stalled_write")
                    .counter().count()).isEqualTo(1);
            disks.values().forEach(StallingLogStorage::release);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    c.machine(old.nodeId()).applied().contains("through-the-sick-node"));
        }
    }

    @Test
    void withTheGuardOffAStalledLeaderKeepsLeading() throws Exception {
        Map<String, StallingLogStorage> disks = new ConcurrentHashMap<>();
        try (LocalCluster c = new LocalCluster(3)) {
            c.serving = ServingConfig.defaults().withStepDownOnStalledWriteAfter(Duration.ZERO);
            c.wrapStorage = (id, st) -> disks.computeIfAbsent(id, k -> new StallingLogStorage(st));
            c.startAll();
            RaftServer old = c.awaitLeader();
            disks.get(old.nodeId()).stall();
            CompletableFuture<byte[]> f = old.submit(b("x"));
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> old.status().isLeader());
            disks.get(old.nodeId()).release();
            assertThat(f.get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }
}
