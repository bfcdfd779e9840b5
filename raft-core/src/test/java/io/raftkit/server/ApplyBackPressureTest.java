package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Apply back-pressure: a follower whose state machine stalls must not pile committed entries up
 * on its heap, while the rest of the cluster keeps committing.
 */
class ApplyBackPressureTest {

    private static final long BOUND = 64 << 10;
    private static final int COMMAND_BYTES = 1024;
    private static final int COMMANDS = 600; // ~600 KiB committed: about ten times the bound

    @Test
    void aFollowerWithAStalledStateMachineHoldsAtMostTheBoundOfUnappliedEntries() throws Exception {
        try (LocalCluster c = new LocalCluster(3, cfg -> cfg.withMaxUnappliedBytes(BOUND)
                .withApplyBatchBytes(16 << 10)).startAll()) {
            RaftServer leader = c.awaitLeader();
            String slow = c.servers.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
            RaftServer follower = c.server(slow);
            CountDownLatch unblock = new CountDownLatch(1);
            c.machine(slow).beforeApply = () -> {
                try {
                    unblock.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };

            List<CompletableFuture<byte[]>> acks = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                byte[] command = new byte[COMMAND_BYTES];
                Arrays.fill(command, (byte) ('a' + i % 26));
                acks.add(leader.submit(command));
            }
            // the cluster commits everything with the other two nodes; the stalled follower learns the
            // commit index but its state machine applies nothing
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            long lastCommand = leader.status().commitIndex();
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.status().commitIndex() >= lastCommand);
            long entryBytes = Entry.command(1, 1, new byte[COMMAND_BYTES]).sizeBytes();
            long committedUnapplied = (lastCommand - follower.status().appliedIndex()) * entryBytes;
            assertThat(committedUnapplied).as("committed but unapplied on the follower").isGreaterThan(5 * BOUND);
            assertThat(follower.unapplied.highWater()).as("bytes handed to the stalled apply thread")
                    .isLessThanOrEqualTo(BOUND + entryBytes);

            // once the state machine catches up, the held-back entries are handed out and applied
            unblock.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.status().appliedIndex() >= lastCommand);
            assertThat(c.machine(slow).size()).isEqualTo(c.machine(leader.nodeId()).size());
            assertThat(follower.unapplied.highWater()).isLessThanOrEqualTo(BOUND + entryBytes);
            await().atMost(Duration.ofSeconds(10)).until(() -> follower.unapplied.bytes() == 0);
        }
    }
}
