package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static io.raftkit.server.Futures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.UnknownOutcomeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The future a caller gets is its own: cancelling it, timing it out or completing it changes
 * nothing in the runtime, whose pending slots and bytes are given back when the runtime is done
 * with the request; and the request timeout holds while the state machine is slow.
 */
class CallerFutureTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /** Makes the node's apply wait until the returned latch is opened. */
    private static CountDownLatch gateApply(CountingStateMachine m) {
        CountDownLatch gate = new CountDownLatch(1);
        m.beforeApply = () -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        return gate;
    }

    @Test
    void whateverCallersDoToTheirFuturesThePendingSlotsComeBack() throws Exception {
        try (LocalCluster c = new LocalCluster(1, cfg -> cfg.withMaxPendingRequests(4)).startAll()) {
            RaftServer n1 = c.awaitLeader();
            CountingStateMachine m = c.machine("n1");
            for (int round = 0; round < 5; round++) {
                CountDownLatch gate = gateApply(m);
                int before = m.size();
                CompletableFuture<byte[]> cancelled = n1.submit(b("cancel" + round));
                CompletableFuture<byte[]> timedOut = n1.submit(b("timeout" + round))
                        .orTimeout(1, TimeUnit.MILLISECONDS);
                CompletableFuture<byte[]> faked = n1.submit(b("fake" + round));
                CompletableFuture<byte[]> read = n1.query(b("?"));
                assertThat(cancelled).isNotInstanceOf(PendingRequest.class);
                assertThat(cancelled.cancel(true)).isTrue();
                assertThat(faked.complete(b("a result the runtime never gave"))).isTrue();
                read.cancel(true);
                await().atMost(Duration.ofSeconds(5)).until(timedOut::isDone);
                // the commands wait for apply (the read may have been served before them)
                assertThat(n1.pendingRequests()).as("the runtime still owns the commands").isGreaterThanOrEqualTo(3);
                gate.countDown();
                m.beforeApply = () -> { };
                await().atMost(Duration.ofSeconds(5)).until(() -> m.size() == before + 3);
                await().atMost(Duration.ofSeconds(5)).until(() -> n1.pendingRequests() == 0 && n1.pendingBytes() == 0);
            }
            // 20 abandoned requests with a bound of 4: none of them holds a slot
            assertThat(new String(n1.submit(b("later")).get(5, TimeUnit.SECONDS), UTF_8)).endsWith(":later");
        }
    }

    @Test
    void theRequestTimeoutHoldsWhileApplyIsBlocked() throws Exception {
        try (LocalCluster c = new LocalCluster(1, cfg -> cfg.withRequestTimeout(Duration.ofMillis(300))).startAll()) {
            RaftServer n1 = c.awaitLeader();
            CountDownLatch gate = gateApply(c.machine("n1"));
            long t0 = System.nanoTime();
            CompletableFuture<byte[]> blocked = n1.submit(b("blocked"));
            CompletableFuture<byte[]> behind = n1.submit(b("behind"));
            // committed, not applied: a read now must wait for apply
            await().atMost(Duration.ofSeconds(2)).until(() -> n1.status().commitIndex() == n1.status().lastIndex()
                    && n1.status().lastIndex() > n1.status().appliedIndex() + 1);
            CompletableFuture<byte[]> read = n1.query(b("?"));
            assertThat(failureOf(blocked, 3)).isInstanceOf(UnknownOutcomeException.class)
                    .hasMessageContaining("timed out");
            assertThat(failureOf(behind, 3)).isInstanceOf(UnknownOutcomeException.class);
            assertThat(failureOf(read, 3)).isInstanceOf(TimeoutException.class);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(ms).isBetween(250L, 2_500L);
            assertThat(gate.getCount()).as("apply is still blocked").isEqualTo(1);
            assertThat(n1.pendingRequests()).isZero();
            // the commands may still be applied later: their callers were told the outcome is unknown
            c.machine("n1").beforeApply = () -> { };
            gate.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> c.machine("n1").applied().contains("behind"));
            assertThat(n1.submit(b("after")).get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void pendingRequestsAreBoundedInBytes() throws Exception {
        try (LocalCluster c = new LocalCluster(1, cfg -> cfg.withMaxAppendBytes(1024).withMaxPendingBytes(4096))
                .startAll()) {
            RaftServer n1 = c.awaitLeader();
            CountDownLatch gate = gateApply(c.machine("n1"));
            List<CompletableFuture<byte[]>> accepted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                accepted.add(n1.submit(new byte[1000]));
            }
            assertThat(n1.pendingBytes()).isEqualTo(4000);
            assertThat(failureOf(n1.submit(new byte[100]), 5)).isInstanceOf(OverloadedException.class)
                    .hasMessageContaining("maxPendingBytes");
            assertThat(failureOf(n1.query(new byte[100]), 5)).isInstanceOf(OverloadedException.class);
            CompletableFuture<byte[]> small = n1.submit(new byte[96]); // exactly up to the bound
            c.machine("n1").beforeApply = () -> { };
            gate.countDown();
            for (CompletableFuture<byte[]> f : accepted) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isNotNull();
            }
            assertThat(small.get(5, TimeUnit.SECONDS)).isNotNull();
            await().atMost(Duration.ofSeconds(5)).until(() -> n1.pendingBytes() == 0);
            assertThat(n1.submit(new byte[1024]).get(5, TimeUnit.SECONDS)).isNotNull();
        }
    }
}
