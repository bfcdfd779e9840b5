package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.server.RaftServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicationClusterTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void commandsReplicateAndApplyOnEveryNodeInTheSameOrder(int n) throws Exception {
        try (NettyCluster c = new NettyCluster(n, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            List<CompletableFuture<byte[]>> futures = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                futures.add(leader.submit(("cmd-" + i).getBytes(UTF_8)));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    c.machines.values().stream().allMatch(m -> m.size() == 2000));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                expected.add("cmd-" + i); // one submitter: log order is submission order
            }
            for (RecordingStateMachine m : c.machines.values()) {
                assertThat(m.applied()).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void aReadAfterAWriteSeesTheWrite() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            for (int i = 1; i <= 50; i++) {
                leader.submit(("w" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
                byte[] r = leader.query(new byte[0]).get(5, TimeUnit.SECONDS);
                assertThat(RecordingStateMachine.count(r)).isEqualTo(i);
            }
        }
    }
}
