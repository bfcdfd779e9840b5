package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.errors.NotLeaderException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * No user code runs on the loop thread or behind the apply backlog: future callbacks run on the
 * callback executor, leader listeners on the notifier thread.
 */
class CallbackThreadsTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aCallbackThatBlocksForeverOnAFailedReadDoesNotStopTheLoop() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        AtomicReference<Throwable> readFailure = new AtomicReference<>();
        LocalCluster c = new LocalCluster(3);
        c.serving = ServingConfig.defaults().withForwarding(false); // with forwarding the read would go on at the new leader
        c.startAll();
        try {
            RaftServer old = c.awaitLeader();
            c.network.isolate(old.nodeId());
            // the read fails when the cut-off leader steps down (CheckQuorum): the loop decides that
            old.query(b("?")).whenComplete((v, e) -> {
                callbackThread.set(Thread.currentThread().getName());
                readFailure.set(e);
                entered.countDown();
                awaitQuietly(release); // a callback that never returns (until the test ends)
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(readFailure.get()).isInstanceOf(NotLeaderException.class);
            assertThat(callbackThread.get()).isEqualTo("raft-callback-" + old.nodeId());
            c.network.heal();
            // the old leader's loop still runs: it follows the new leader and replicates its entries
            RaftServer fresh = c.awaitLeader();
            assertThat(fresh.nodeId()).isNotEqualTo(old.nodeId());
            fresh.submit(b("after")).get(5, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.machine(old.nodeId()).applied().contains("after"));
            long term = fresh.status().term();
            // and heartbeats keep flowing: no election for several election timeouts
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() ->
                    c.servers.values().stream().allMatch(s -> s.status().term() == term
                            && fresh.nodeId().equals(s.status().leaderId())));
        } finally {
            release.countDown(); // before close, which waits for the callback thread
            c.close();
        }
    }

    @Test
    void aCallbackThatBlocksDoesNotStopApply() throws Exception {
        CountDownLatch applyGate = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> callbackThread = new AtomicReference<>();
        LocalCluster c = new LocalCluster(1).startAll();
        try {
            RaftServer n1 = c.awaitLeader();
            CountingStateMachine m = c.machine("n1");
            m.beforeApply = () -> awaitQuietly(applyGate);
            n1.submit(b("first")).thenRun(() -> {
                callbackThread.set(Thread.currentThread().getName());
                awaitQuietly(release);
            });
            m.beforeApply = () -> { };
            applyGate.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> callbackThread.get() != null);
            assertThat(callbackThread.get()).isEqualTo("raft-callback-n1");
            for (int i = 0; i < 10; i++) {
                n1.submit(b("more" + i));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> m.size() == 11);
            await().atMost(Duration.ofSeconds(5)).until(() -> n1.pendingRequests() == 0);
            assertThat(n1.status().appliedIndex()).isEqualTo(n1.status().commitIndex());
        } finally {
            release.countDown(); // before close, which waits for the callback thread
            c.close();
        }
    }

    @Test
    void theApplicationCanGiveItsOwnCallbackExecutor() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "app-callbacks");
            t.setDaemon(true);
            return t;
        });
        try (LocalCluster c = new LocalCluster(1)) {
            c.customize = (id, b) -> b.callbackExecutor(pool);
            c.startAll();
            RaftServer n1 = c.awaitLeader();
            CountDownLatch applyGate = new CountDownLatch(1);
            c.machine("n1").beforeApply = () -> awaitQuietly(applyGate);
            CompletableFuture<String> thread = n1.submit(b("x")).thenApply(r -> Thread.currentThread().getName());
            c.machine("n1").beforeApply = () -> { };
            applyGate.countDown();
            assertThat(thread.get(5, TimeUnit.SECONDS)).isEqualTo("app-callbacks");
            assertThat(RaftServerTest.raftThreads()).noneMatch(name -> name.startsWith("raft-callback-"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void leaderListenersAreToldWithinAnElectionTimeoutWhileApplyIsSlow() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer old = c.awaitLeader();
            String watcherId = c.servers.keySet().stream().filter(id -> !id.equals(old.nodeId())).findFirst().orElseThrow();
            RaftServer watcher = c.server(watcherId);
            CountingStateMachine slow = c.machine(watcherId);
            List<String> seen = new CopyOnWriteArrayList<>();
            List<String> threads = new CopyOnWriteArrayList<>();
            watcher.addLeaderListener((leaderId, term, self) -> {
                seen.add(leaderId + "@" + term);
                threads.add(Thread.currentThread().getName());
            });
            try {
                slow.beforeApply = () -> {
                    try {
                        Thread.sleep(1_000); // a state machine that takes 1 s per command
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                };
                for (int i = 0; i < 5; i++) {
                    old.submit(b("slow" + i));
                }
                long last = old.status().lastIndex();
                // the watcher has the five commands committed and ~5 s of applying ahead of it
                await().atMost(Duration.ofSeconds(5)).until(() -> watcher.status().commitIndex() >= last);
                assertThat(slow.size()).isLessThan(5);
                c.network.isolate(old.nodeId());
                List<String> others = c.servers.keySet().stream().filter(id -> !id.equals(old.nodeId())).toList();
                RaftServer fresh = c.awaitLeader(others);
                String expected = fresh.nodeId() + "@" + fresh.status().term();
                // told within about an election timeout (150 ms here), not after the apply backlog
                await().atMost(Duration.ofMillis(1_000)).until(() -> seen.contains(expected));
                assertThat(slow.size()).as("the backlog is still being applied").isLessThan(5);
                assertThat(threads).allMatch(t -> t.equals("raft-notify-" + watcherId));
            } finally {
                slow.beforeApply = () -> { };
            }
        }
    }
}
