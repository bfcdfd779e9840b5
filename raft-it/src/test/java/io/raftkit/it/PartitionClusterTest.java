package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.raftkit.core.Role;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.server.RaftServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionClusterTest {

    @TempDir
    Path dir;

    @Test
    void theMinoritySideCannotCommitAndTheMajoritySideCan() throws Exception {
        try (NettyCluster c = new NettyCluster(5, dir).startAll()) {
            RaftServer old = c.awaitLeader();
            old.submit("before".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);

            // the old leader and one follower on the minority side, three nodes on the majority side
            List<String> ids = new ArrayList<>(c.members.keySet());
            Set<String> minority = new HashSet<>(Set.of(old.nodeId()));
            minority.add(c.others(old.nodeId()).get(0));
            List<String> majority = ids.stream().filter(id -> !minority.contains(id)).toList();
            c.partition(minority);

            CompletableFuture<byte[]> stranded = old.submit("minority-write".getBytes(UTF_8));
            Throwable t = catchThrowable(() -> stranded.get(10, TimeUnit.SECONDS));
            assertThat(t).isInstanceOf(ExecutionException.class);
            assertThat(t.getCause()).isInstanceOfAny(UnknownOutcomeException.class);

            RaftServer fresh = c.awaitLeader(majority);
            fresh.submit("majority-write".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);

            // the minority never elects a leader of its own and never applies the stranded write
            for (String id : minority) {
                assertThat(c.server(id).status().role()).isNotEqualTo(Role.LEADER);
                assertThat(c.machine(id).applied()).doesNotContain("minority-write", "majority-write");
                // with no leader to forward to, it waits out the request timeout (5 s), then refuses;
                // a follower that still names the deposed leader forwards to it, and the answer it
                // gets back (NOT_LEADER) leaves the outcome unknown (a forwarded command is never retried)
                String believed = c.server(id).status().leaderId();
                Throwable refused = catchThrowable(() -> c.server(id).submit("x".getBytes(UTF_8)).get(10, TimeUnit.SECONDS));
                if (believed != null && !believed.equals(id)) {
                    assertThat(refused.getCause()).isInstanceOfAny(NotLeaderException.class,
                            UnknownOutcomeException.class);
                } else {
                    assertThat(refused.getCause()).isInstanceOf(NotLeaderException.class);
                }
            }

            c.heal();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    minority.stream().allMatch(id -> c.machine(id).applied().contains("majority-write")));
            for (String id : ids) {
                assertThat(c.machine(id).applied()).doesNotContain("minority-write");
                assertThat(c.machine(id).applied()).containsExactlyElementsOf(c.machine(fresh.nodeId()).applied());
            }
        }
    }
}
