package io.raftkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.server.RaftServer;
import io.raftkit.spi.ClusterConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes and leadership transfer on real clusters (Netty on 127.0.0.1, RocksDB),
 * while clients keep writing ({@link ClusterLoad}): no acknowledged write is lost, every replica
 * ends the same, and no write fails except with an unknown outcome. Prints the time a 3-to-5 grow
 * and a leadership transfer take under load (docs/operations.md).
 */
class MembershipClusterTest {

    private static final int CLIENTS = 8;

    @TempDir
    Path dir;

    @Test
    void growThreeToFiveUnderLoad() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            try (ClusterLoad load = new ClusterLoad(c, CLIENTS)) {
                load.awaitMoreAcks(200);
                c.join("n4");
                c.join("n5");

                long start = System.nanoTime();
                leader.addVoter("n4", c.address("n4")).get(30, TimeUnit.SECONDS);
                ClusterConfig config = leader.addVoter("n5", c.address("n5")).get(30, TimeUnit.SECONDS);
                long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);

                assertThat(config.voters()).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5");
                load.awaitMoreAcks(200);
                load.close();
                System.out.printf("membership: grow 3 to 5 under load (%d clients) took %.1f ms; %d writes"
                        + " acknowledged, %d unknown%n", CLIENTS, micros / 1000.0, load.acked(), load.unknown());
                load.verify(List.of("n1", "n2", "n3", "n4", "n5"));
            }
        }
    }

    @Test
    void replaceANodeUnderLoad() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            String old = c.others(leader.nodeId()).get(0);
            try (ClusterLoad load = new ClusterLoad(c, CLIENTS)) {
                load.awaitMoreAcks(200);
                c.join("n4");

                leader.addLearner("n4", c.address("n4")).get(30, TimeUnit.SECONDS);
                load.awaitMoreAcks(100);
                // promote once it has caught up (addVoter waits for that when it is a learner already)
                leader.addVoter("n4", c.address("n4")).get(30, TimeUnit.SECONDS);
                ClusterConfig config = leader.removeMember(old).get(30, TimeUnit.SECONDS);
                c.stop(old);

                assertThat(config.voters()).doesNotContain(old).contains("n4").hasSize(3);
                load.awaitMoreAcks(200);
                load.close();
                Set<String> rest = new TreeSet<>(config.voters());
                load.verify(List.copyOf(rest));
            }
        }
    }

    @Test
    void shrinkFiveToThreeUnderLoad() throws Exception {
        try (NettyCluster c = new NettyCluster(5, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            List<String> keep = new java.util.ArrayList<>(List.of(leader.nodeId()));
            keep.addAll(c.others(leader.nodeId()).subList(0, 2));
            try (ClusterLoad load = new ClusterLoad(c, CLIENTS)) {
                load.awaitMoreAcks(200);

                ClusterConfig config = leader.changeMembership(Set.copyOf(keep)).get(30, TimeUnit.SECONDS);
                for (String id : c.others(leader.nodeId())) {
                    if (!keep.contains(id)) {
                        c.stop(id);
                    }
                }

                assertThat(config.voters()).containsExactlyInAnyOrderElementsOf(keep);
                load.awaitMoreAcks(200);
                load.close();
                load.verify(keep);
            }
        }
    }

    @Test
    void transferLeadershipUnderLoad() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            String target = c.others(leader.nodeId()).get(0);
            try (ClusterLoad load = new ClusterLoad(c, CLIENTS)) {
                load.awaitMoreAcks(200);

                long start = System.nanoTime();
                leader.transferLeadership(target).get(30, TimeUnit.SECONDS);
                long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);

                assertThat(c.awaitLeader().nodeId()).isEqualTo(target);
                load.awaitMoreAcks(200);
                load.close();
                System.out.printf("membership: leadership transfer under load (%d clients) took %.1f ms; %d writes"
                        + " acknowledged, %d unknown%n", CLIENTS, micros / 1000.0, load.acked(), load.unknown());
                load.verify(List.of("n1", "n2", "n3"));
            }
        }
    }
}
