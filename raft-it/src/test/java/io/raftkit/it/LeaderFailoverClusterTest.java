package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.server.RaftServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaderFailoverClusterTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void whenTheLeaderIsKilledANewOneTakesOverAndServesWrites(int n) throws Exception {
        try (NettyCluster c = new NettyCluster(n, dir).startAll()) {
            RaftServer old = c.awaitLeader();
            for (int i = 0; i < 100; i++) {
                old.submit(("before-" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            }
            String oldId = old.nodeId();
            long oldTerm = old.status().term();
            c.stop(oldId);

            RaftServer fresh = c.awaitLeader(c.others(oldId));
            assertThat(fresh.nodeId()).isNotEqualTo(oldId);
            assertThat(fresh.status().term()).isGreaterThan(oldTerm);
            for (int i = 0; i < 100; i++) {
                fresh.submit(("after-" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            }
            // nothing committed under the old leader is lost
            assertThat(c.machine(fresh.nodeId()).applied()).startsWith("before-0").contains("before-99", "after-99");

            // the old leader comes back as a follower and catches up
            c.start(oldId);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.machine(oldId).size() == 200);
            assertThat(c.machine(oldId).applied()).containsExactlyElementsOf(c.machine(fresh.nodeId()).applied());
            assertThat(c.server(oldId).status().leaderId()).isEqualTo(fresh.nodeId());
        }
    }
}
