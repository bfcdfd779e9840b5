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

class FollowerCatchUpClusterTest {

    @TempDir
    Path dir;

    @Test
    void aFollowerRestartedAfterMissingManyEntriesCatchesUp() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            leader.submit("first".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            String lagger = c.others(leader.nodeId()).get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.machine(lagger).size() == 1);
            c.stop(lagger);

            // 20,000 entries of 200 bytes: more than one append message (1 MiB) and the entry cache
            byte[] pad = new byte[190];
            List<CompletableFuture<byte[]>> fs = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                byte[] cmd = ("m" + i + ":").getBytes(UTF_8);
                byte[] full = new byte[cmd.length + pad.length];
                System.arraycopy(cmd, 0, full, 0, cmd.length);
                fs.add(leader.submit(full));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            c.start(lagger);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.machine(lagger).size() == 20_001);
            assertThat(c.machine(lagger).applied()).containsExactlyElementsOf(c.machine(leader.nodeId()).applied());
            // and it keeps up with new writes
            leader.submit("last".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.machine(lagger).size() == 20_002);
        }
    }
}
