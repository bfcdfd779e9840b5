package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.RouteStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The answers to a follower's forwarded requests are settled on the thread that receives them,
 * without the follower's loop (one wake-up less per answer), and still exactly once.
 */
class ForwardedAnswersTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /**
     * Holds the follower's loop right after it sent a message of {@code kind}: whatever completes
     * the request afterwards does so without the loop.
     */
    private static CountDownLatch holdLoopAfter(LocalCluster c, String follower, Message.Kind kind,
                                                AtomicReference<Thread> held) {
        CountDownLatch release = new CountDownLatch(1);
        c.network.afterSend = m -> {
            if (m.kind() == kind && m.from().equals(follower) && held.compareAndSet(null, Thread.currentThread())) {
                ServeFromAnyNodeTest.awaitQuietly(release);
            }
        };
        return release;
    }

    @Test
    void aForwardedCommandCompletesWhileTheFollowersLoopIsHeldAndItsCallbackRunsOnTheCallbackThread()
            throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer leader = c.awaitLeader();
            RaftServer follower = c.servers.values().stream().filter(s -> s != leader).findFirst().orElseThrow();
            AtomicReference<Thread> held = new AtomicReference<>();
            CountDownLatch release = holdLoopAfter(c, follower.nodeId(), Message.Kind.FORWARD_REQUEST, held);
            try {
                AtomicReference<String> callbackThread = new AtomicReference<>();
                CompletableFuture<byte[]> f = follower.submit(b("x"))
                        .whenComplete((r, e) -> callbackThread.set(Thread.currentThread().getName()));
                assertThat(new String(f.get(5, TimeUnit.SECONDS), UTF_8)).endsWith(":x");
                assertThat(held.get().getName()).as("the loop that sent it is still held").startsWith("raft-loop");
                assertThat(held.get().getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
                assertThat(callbackThread.get()).startsWith("raft-callback-" + follower.nodeId());
            } finally {
                release.countDown();
            }
        }
    }

    @Test
    void aFollowersReadIsServedOnceTheLeaderGivesItsIndexWhileTheFollowersLoopIsHeld() throws Exception {
        for (ReadConsistency consistency : List.of(ReadConsistency.LEASE, ReadConsistency.LINEARIZABLE)) {
            try (LocalCluster c = new LocalCluster(3).startAll()) {
                RaftServer leader = c.awaitLeader();
                RaftServer follower = c.servers.values().stream().filter(s -> s != leader).findFirst()
                        .orElseThrow();
                leader.submit(b("w")).get(5, TimeUnit.SECONDS);
                // the held loop hands the follower no more commits: it must have applied the read's index already
                await().atMost(Duration.ofSeconds(5)).until(() -> follower.appliedIndex >= leader.commitIndex);
                AtomicReference<Thread> held = new AtomicReference<>();
                CountDownLatch release = holdLoopAfter(c, follower.nodeId(), Message.Kind.READ_INDEX_REQUEST, held);
                try {
                    byte[] answer = follower.query(b("?"), consistency).get(5, TimeUnit.SECONDS);
                    assertThat(CountingStateMachine.count(answer)).as(consistency.name()).isEqualTo(1);
                    assertThat(held.get().getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);
                } finally {
                    release.countDown();
                }
            }
        }
    }

    /**
     * An answer handled on a transport thread races the loop's leader change: every command is
     * settled exactly once, by the answer (OK) or by the leader change (unknown outcome).
     */
    @Test
    void anAnswerRacingALeaderChangeSettlesEveryCommandExactlyOnce() throws Exception {
        for (int round = 0; round < 300; round++) {
            List<AtomicInteger> settled = new ArrayList<>();
            List<AtomicReference<String>> outcome = new ArrayList<>();
            List<ForwardResponse> sent = new ArrayList<>();
            RequestRouter<Integer> router = new RequestRouter<>("n2", new RequestRouter.Requests<>() {
                @Override public byte[] payload(Integer r) { return b("c" + r); }
                @Override public boolean isDone(Integer r) { return settled.get(r).get() > 0; }
                @Override public boolean markSent(Integer r) { return true; }
                @Override public void markUnsent(Integer r) { }
                @Override public void succeeded(Integer r, byte[] result) { settle(r, "ok"); }
                @Override public void failed(Integer r, RuntimeException e) {
                    settle(r, e instanceof UnknownOutcomeException ? "unknown" : e.toString());
                }
                @Override public void readIndexKnown(Integer r, long index) { settle(r, "index"); }
                @Override public void serveLocally(Integer r, boolean read) { settle(r, "local"); }

                private void settle(Integer r, String what) {
                    settled.get(r).incrementAndGet();
                    outcome.get(r).set(what);
                }
            }, m -> { }, 3, Long.MAX_VALUE, 0);
            router.leaderChanged("n1", 2);
            List<ForwardResponse.Answer> answers = new ArrayList<>();
            int n = 64;
            for (int i = 0; i < n; i++) {
                settled.add(new AtomicInteger());
                outcome.add(new AtomicReference<>());
                router.forwardWrite(i);
                answers.add(new ForwardResponse.Answer(i + 1, RouteStatus.OK, b("r"), null));
            }
            router.flush();
            ForwardResponse response = new ForwardResponse("n1", "n2", 2, answers);
            CountDownLatch go = new CountDownLatch(1);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread transport = new Thread(() -> {
                try {
                    go.await();
                    router.onResponse(response);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            transport.start();
            go.countDown();
            router.leaderChanged("n3", 3);
            transport.join(5_000);
            assertThat(thrown.get()).isNull();
            for (int i = 0; i < n; i++) {
                assertThat(settled.get(i).get()).as("command %d settled once", i).isEqualTo(1);
                assertThat(outcome.get(i).get()).isIn("ok", "unknown");
            }
            assertThat(router.pending()).isZero();
        }
    }
}
