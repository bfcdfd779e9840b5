package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static io.raftkit.server.Futures.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.errors.LogStorageException;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.StateMachineException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.LogStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fail-stop: an exception from the state machine's apply, a failed storage write or an unexpected
 * exception in the loop stops the node for good: it leaves the cluster, fails every pending
 * request, says why (status, metric, listener), and a restart applies again what it had not.
 */
class FailStopTest {

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    /** What a fatal-error listener heard, and on which thread. */
    record Heard(String nodeId, Throwable cause, String thread) {
    }

    @Test
    void aFollowerWhoseApplyThrowsStopsInsteadOfSkippingTheCommandAndARestartAppliesItAgain() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<Heard> heard = new CopyOnWriteArrayList<>();
        try (LocalCluster c = new LocalCluster(3)) {
            c.registry = registry;
            c.customize = (id, b) -> b.fatalErrorListener((node, cause) ->
                    heard.add(new Heard(node, cause, Thread.currentThread().getName())));
            c.startAll(() -> new CountingStateMachine(true, 0)); // durable: a restart resumes from lastApplied
            RaftServer leader = c.awaitLeader();
            String bad = c.servers.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
            CountingStateMachine badMachine = c.machine(bad);
            badMachine.throwFor = "poison"::equals;

            leader.submit(b("a")).get(5, TimeUnit.SECONDS);
            leader.submit(b("poison")).get(5, TimeUnit.SECONDS); // the leader and the other follower apply it
            leader.submit(b("b")).get(5, TimeUnit.SECONDS);

            RaftServer stopped = c.server(bad);
            await().atMost(Duration.ofSeconds(5)).until(() -> !stopped.status().running());
            ServerStatus st = stopped.status();
            assertThat(st.failure()).contains("StateMachineException").contains("cannot apply poison");
            assertThat(stopped.failure()).isInstanceOf(StateMachineException.class)
                    .hasRootCauseMessage("cannot apply poison");
            long poisonIndex = ((StateMachineException) stopped.failure()).index();
            assertThat(st.appliedIndex()).isEqualTo(poisonIndex - 1);
            // it never skips the command to go on with the next ones
            assertThat(badMachine.applied()).containsExactly("a");
            assertThat(c.network.isAttached(bad)).as("transport closed: it left the quorum").isFalse();
            assertThat(registry.get("raft.fatal").tag("node", bad).gauge().value()).isEqualTo(1.0);
            assertThat(registry.get("raft.fatal").tag("node", leader.nodeId()).gauge().value()).isEqualTo(0.0);
            await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
            assertThat(heard).hasSize(1);
            assertThat(heard.get(0).nodeId()).isEqualTo(bad);
            assertThat(heard.get(0).cause()).isSameAs(stopped.failure());
            assertThat(heard.get(0).thread()).isEqualTo("raft-notify-" + bad);
            assertThat(failureOf(stopped.submit(b("x")))).isInstanceOf(ServerClosedException.class)
                    .hasMessageContaining("fatal error");
            assertThat(failureOf(stopped.query(b("?")))).isInstanceOf(ServerClosedException.class);
            // a listener added late is told too
            List<String> late = new CopyOnWriteArrayList<>();
            stopped.addFatalErrorListener((node, cause) -> late.add(node));
            await().atMost(Duration.ofSeconds(5)).until(() -> late.contains(bad));

            // the fix is deployed: the restarted node applies the command it could not, then the rest
            badMachine.throwFor = cmd -> false;
            c.restart(bad, badMachine);
            await().atMost(Duration.ofSeconds(10)).until(() -> badMachine.size() == 3);
            assertThat(badMachine.applied()).containsExactly("a", "poison", "b");
            assertThat(badMachine.applied()).containsExactlyElementsOf(c.machine(leader.nodeId()).applied());
        }
    }

    @Test
    void aLeaderWhoseApplyThrowsFailsEveryPendingRequestAndTheOthersElectANewLeader() throws Exception {
        try (LocalCluster c = new LocalCluster(3).startAll()) {
            RaftServer old = c.awaitLeader();
            old.submit(b("a")).get(5, TimeUnit.SECONDS);
            c.machine(old.nodeId()).throwFor = "poison"::equals;
            CompletableFuture<byte[]> poison = old.submit(b("poison"));
            List<CompletableFuture<byte[]>> after = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                after.add(old.submit(b("after" + i)));
                after.add(old.query(b("?")));
            }
            Throwable t = failureOf(poison);
            assertThat(t).isInstanceOf(UnknownOutcomeException.class).hasCauseInstanceOf(StateMachineException.class);
            for (CompletableFuture<byte[]> f : after) {
                try {
                    f.get(10, TimeUnit.SECONDS); // a read served before the poison was applied
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfAny(UnknownOutcomeException.class,
                            ServerClosedException.class, NotLeaderException.class);
                }
            }
            assertThat(c.machine(old.nodeId()).applied()).containsExactly("a");
            assertThat(old.status().running()).isFalse();
            List<String> others = c.servers.keySet().stream().filter(id -> !id.equals(old.nodeId())).toList();
            RaftServer fresh = c.awaitLeader(others);
            assertThat(fresh.submit(b("next")).get(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(c.machine(fresh.nodeId()).applied()).startsWith("a", "poison");
        }
    }

    @Test
    void aFailedStorageWriteClosesTheTransportAndFailsEveryPendingRequest() throws Exception {
        List<Heard> heard = new CopyOnWriteArrayList<>();
        try (LocalCluster c = new LocalCluster(1)) {
            c.customize = (id, b) -> b.fatalErrorListener((node, cause) ->
                    heard.add(new Heard(node, cause, Thread.currentThread().getName())));
            c.startAll();
            RaftServer n1 = c.awaitLeader();
            n1.submit(b("ok")).get(5, TimeUnit.SECONDS);
            c.storages.get("n1").failWrites(true);
            List<CompletableFuture<byte[]>> writes = new ArrayList<>();
            List<CompletableFuture<byte[]>> reads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                writes.add(n1.submit(b("lost" + i)));
                reads.add(n1.query(b("?")));
            }
            for (CompletableFuture<byte[]> f : writes) {
                assertThat(failureOf(f)).isInstanceOfAny(UnknownOutcomeException.class, ServerClosedException.class);
            }
            for (CompletableFuture<byte[]> f : reads) {
                try {
                    f.get(10, TimeUnit.SECONDS); // served from what was applied before the failure
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ServerClosedException.class);
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !heard.isEmpty());
            assertThat(heard.get(0).cause()).isInstanceOf(LogStorageException.class);
            assertThat(n1.status().failure()).contains("log storage write failed");
            assertThat(c.network.isAttached("n1")).as("a dead node must not keep taking messages").isFalse();
        }
    }

    /** Throws from lastIndex() when the core asks while proposing: an unexpected exception inside proposeBatch. */
    static final class FailingWhileProposing extends ForwardingLogStorage {
        volatile boolean armed;

        FailingWhileProposing(LogStorage d) {
            super(d);
        }

        @Override
        public long lastIndex() {
            if (armed && StackWalker.getInstance().walk(
                    s -> s.anyMatch(f -> f.getMethodName().equals("proposeBatch")))) {
                throw new LogStorageException("simulated read failure while proposing");
            }
            return delegate.lastIndex();
        }
    }

    @Test
    void anUnexpectedExceptionWhileProposingFailsTheWholeBatchAndStopsTheNode() throws Exception {
        FailingWhileProposing[] storage = new FailingWhileProposing[1];
        // a long request timeout: the batch must fail because of the error, not time out later
        try (LocalCluster c = new LocalCluster(1, cfg -> cfg.withRequestTimeout(Duration.ofSeconds(60)))) {
            c.wrapStorage = (id, s) -> storage[0] = new FailingWhileProposing(s);
            c.start("n1", new InMemoryLogStorage(), new CountingStateMachine());
            RaftServer n1 = c.awaitLeader();
            n1.submit(b("ok")).get(5, TimeUnit.SECONDS);
            // idle: everything is durable, so the core asks the storage for its last index when proposing
            await().atMost(Duration.ofSeconds(5)).until(() -> n1.status().lastIndex() == n1.status().appliedIndex());
            storage[0].armed = true;
            List<CompletableFuture<byte[]>> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(n1.submit(b("x" + i)));
            }
            for (CompletableFuture<byte[]> f : batch) {
                assertThat(failureOf(f)).isInstanceOfAny(UnknownOutcomeException.class, ServerClosedException.class);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> !n1.status().running());
            assertThat(n1.failure()).isInstanceOf(LogStorageException.class);
        }
    }
}
