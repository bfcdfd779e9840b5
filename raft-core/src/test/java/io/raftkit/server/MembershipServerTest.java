package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.memory.InMemoryNetwork;
import io.raftkit.spi.ClusterConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's membership API (issue 13) on an {@link InMemoryNetwork}, whose transports honour
 * {@link io.raftkit.spi.Transport#updateMembers}: a node the configuration does not name can
 * neither reach the others nor be reached.
 */
class MembershipServerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final InMemoryNetwork network = new InMemoryNetwork();
    private final Map<String, RaftServer> servers = new LinkedHashMap<>();
    private final Map<String, CountingStateMachine> machines = new LinkedHashMap<>();
    private final Map<String, InMemoryLogStorage> storages = new LinkedHashMap<>();
    private final Map<String, InetSocketAddress> founding = new LinkedHashMap<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private UnaryOperator<ServerConfig> tweak = c -> c;

    @AfterEach
    void closeAll() {
        servers.values().forEach(RaftServer::close);
        network.close();
    }

    @Test
    void addLearnerReplicatesToTheNewNodeWhichNeverVotes() {
        RaftServer leader = foundCluster(3);
        submit(leader, "before");

        RaftServer n4 = join("n4");
        ClusterConfig config = leader.addLearner("n4", address("n4")).join();

        assertThat(config.voters()).containsExactlyInAnyOrder("n1", "n2", "n3");
        assertThat(config.learners()).containsExactly("n4");
        submit(leader, "after");
        await().atMost(WAIT).until(() -> machines.get("n4").applied().containsAll(List.of("before", "after")));
        await().atMost(WAIT).until(() -> n4.clusterConfig().isLearner("n4"));
        assertThat(n4.clusterId()).as("learned from the log").isEqualTo(leader.clusterId());
        assertThat(n4.status().learners()).containsExactly("n4");
        assertThat(n4.status().role()).isNotEqualTo(io.raftkit.core.Role.LEADER);
        // the leader reports the new member's lag like any follower's, and a caught-up learner lags 0
        await().atMost(WAIT).until(() -> lagGauge(leader.nodeId(), "n4") != null
                && lagGauge(leader.nodeId(), "n4").value() == 0);
    }

    @Test
    void addVoterGrowsTheClusterToFiveAndEveryNodeSeesIt() {
        RaftServer leader = foundCluster(3);
        join("n4");
        join("n5");

        leader.addVoter("n4", address("n4")).join();
        ClusterConfig config = leader.addVoter("n5", address("n5")).join();

        assertThat(config.voters()).containsExactlyInAnyOrder("n1", "n2", "n3", "n4", "n5");
        assertThat(config.isJoint()).isFalse();
        await().atMost(WAIT).until(() -> servers.values().stream()
                .allMatch(s -> s.status().voters().size() == 5 && !s.status().joint()));
        // two founding followers cut off: the leader, n4 and n5 are a majority of five
        List<String> followers = servers.keySet().stream()
                .filter(id -> !id.equals(leader.nodeId()) && founding.containsKey(id)).toList();
        followers.forEach(network::isolate);
        submit(leader, "with-the-new-majority");
        await().atMost(WAIT).until(() -> machines.get("n5").applied().contains("with-the-new-majority"));
    }

    @Test
    void removedMemberIsShutOutAndTheRestKeepCommitting() {
        RaftServer leader = foundCluster(3);
        String removed = follower(leader);

        ClusterConfig config = leader.removeMember(removed).join();

        assertThat(config.members()).doesNotContain(removed).hasSize(2);
        long commitOfRemoved = servers.get(removed).status().commitIndex();
        for (int i = 0; i < 20; i++) {
            submit(leader, "after-removal-" + i);
        }
        assertThat(machines.get(removed).applied()).doesNotContain("after-removal-19");
        assertThat(servers.get(removed).status().commitIndex())
                .as("the removed node hears nothing more").isLessThanOrEqualTo(commitOfRemoved + 1);
        assertThat(leader.status().isLeader()).isTrue();
        await().atMost(WAIT).until(() -> lagGauge(leader.nodeId(), removed) == null);
    }

    @Test
    void leaderThatRemovesItselfLeadsUntilTheChangeCommitsThenStepsDown() {
        RaftServer leader = foundCluster(3);
        String oldLeader = leader.nodeId();

        ClusterConfig config = leader.removeMember(oldLeader).join();

        assertThat(config.voters()).doesNotContain(oldLeader).hasSize(2);
        List<String> rest = servers.keySet().stream().filter(id -> !id.equals(oldLeader)).toList();
        RaftServer next = awaitLeader(rest);
        submit(next, "under-the-new-leader");
        assertThat(leader.status().isLeader()).isFalse();
    }

    @Test
    void changeMembershipReplacesAVoterWithALearnerInOneJointChange() {
        RaftServer leader = foundCluster(3);
        join("n4");
        leader.addLearner("n4", address("n4")).join();
        String replaced = follower(leader);
        Set<String> voters = new java.util.TreeSet<>(Set.of("n1", "n2", "n3", "n4"));
        voters.remove(replaced);

        ClusterConfig config = leader.changeMembership(voters).join();

        assertThat(config.voters()).isEqualTo(voters);
        assertThat(config.learners()).isEmpty();
        assertThat(config.members()).doesNotContain(replaced);
    }

    @Test
    void promoteIsRefusedWhileTheLearnerLagsAndAcceptedOnceItCaughtUp() {
        tweak = c -> c.withMaxPromotionLag(5);
        RaftServer leader = foundCluster(3);
        join("n4");
        network.isolate("n4");
        leader.addLearner("n4", address("n4")).join();
        for (int i = 0; i < 10; i++) {
            submit(leader, "while-cut-off-" + i);
        }

        assertThatThrownBy(() -> leader.promote("n4").join())
                .hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lags").hasMessageContaining("maxPromotionLag");

        network.rejoin("n4");
        await().atMost(WAIT).until(() -> machines.get("n4").applied().contains("while-cut-off-9"));
        assertThat(leader.promote("n4").join().voters()).contains("n4");
    }

    @Test
    void requestsOnAFollowerFailWithNotLeaderNamingTheLeader() {
        RaftServer leader = foundCluster(3);
        RaftServer follower = servers.get(follower(leader));

        for (CompletableFuture<?> f : List.of(follower.removeMember("n1"), follower.promote("n1"),
                follower.changeMembership(Set.of("n1")), follower.transferLeadership("n1"))) {
            assertThatThrownBy(f::join).hasCauseInstanceOf(NotLeaderException.class);
            NotLeaderException e = (NotLeaderException) failure(f);
            assertThat(e.leaderId()).isEqualTo(leader.nodeId());
        }
    }

    @Test
    void invalidChangesAreRefusedWithTheReasonAndCounted() {
        RaftServer leader = foundCluster(3);

        assertThatThrownBy(() -> leader.removeMember("n9").join())
                .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a member");
        assertThatThrownBy(() -> leader.addLearner("n2", address("n2")).join())
                .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("already a member");
        assertThatThrownBy(() -> leader.changeMembership(Set.of("n1", "n7")).join())
                .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("n7");
        assertThatThrownBy(() -> leader.transferLeadership("n9").join())
                .hasCauseInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a voter");

        assertThat(counter("raft.membership.changes", leader.nodeId(), "refused")).isEqualTo(3);
        assertThat(counter("raft.leadership.transfers", leader.nodeId(), "refused")).isEqualTo(1);
        assertThat(leader.clusterConfig().voters()).hasSize(3);
    }

    @Test
    void transferLeadershipMovesTheLeaderAndIsCounted() throws Exception {
        RaftServer leader = foundCluster(3);
        String target = follower(leader);

        leader.transferLeadership(target).get(10, TimeUnit.SECONDS);

        assertThat(awaitLeader(List.copyOf(servers.keySet())).nodeId()).isEqualTo(target);
        assertThat(counter("raft.leadership.transfers", leader.nodeId(), "done")).isEqualTo(1);
        submit(servers.get(target), "under-the-new-leader");
    }

    @Test
    void leaderSteppingDownWhileCommandsAreQueuedKeepsServing() throws Exception {
        // a transfer makes the leader step down in the middle of a loop turn while commands wait in
        // its queue: forwarding them must not spin the loop (it once did, for ever)
        RaftServer leader = foundCluster(3);
        String target = follower(leader);
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 8; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = 0; running.get(); i++) {
                    // one command at a time per client, as a real client: the target can catch up
                    leader.submit(("load-" + client + "-" + i).getBytes(StandardCharsets.UTF_8))
                            .handle((r, e) -> null).join();
                }
            }, "load-" + c);
            t.setDaemon(true);
            clients.add(t);
            t.start();
        }
        try {
            leader.transferLeadership(target).get(10, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> target.equals(leader.status().leaderId())
                    && !leader.status().isLeader());
        } finally {
            running.set(false);
            for (Thread t : clients) {
                t.join(10_000);
            }
        }
        submit(leader, "through-the-old-leader");
    }

    @Test
    void completionsRunOffTheLoopThread() {
        RaftServer leader = foundCluster(3);
        join("n4");
        List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();

        leader.addLearner("n4", address("n4"))
                .thenRun(() -> threads.add(Thread.currentThread().getName())).join();

        assertThat(threads).hasSize(1).noneMatch(name -> name.startsWith("raft-loop-"));
    }

    @Test
    void foundingNodeRestartsAfterGrowthWithEitherTheFoundingOrTheCurrentMembers() {
        RaftServer leader = foundCluster(3);
        join("n4");
        leader.addVoter("n4", address("n4")).join();
        String restarted = follower(leader);
        await().atMost(WAIT).until(() -> servers.get(restarted).status().voters().contains("n4"));
        String clusterId = leader.clusterId();

        RaftServer again = restart(restarted, founding);
        assertThat(again.clusterId()).isEqualTo(clusterId);
        assertThat(again.clusterConfig().voters()).contains("n4");

        Map<String, InetSocketAddress> current = new LinkedHashMap<>(founding);
        current.put("n4", address("n4"));
        assertThat(restart(restarted, current).clusterId()).isEqualTo(clusterId);

        Map<String, InetSocketAddress> wrong = new LinkedHashMap<>(founding);
        wrong.remove(leader.nodeId());
        assertThatThrownBy(() -> restart(restarted, wrong))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot start").hasMessageContaining("n4");
    }

    @Test
    void aNodeThatWasDownWhileANewMemberTookTheLeadCatchesUpOnceAMemberItKnowsLeads() {
        // its log names n1..n3 only and it may restart with those (or the founding list) only, so
        // its transport cannot reach n4; the documented way back: leadership to a member it knows
        String away = awayWhileN4JoinsAndLeads();
        RaftServer n4 = servers.get("n4");

        RaftServer back = restart(away, founding);
        String known = founding.keySet().stream().filter(id -> !id.equals(away)).findFirst().orElseThrow();
        await().atMost(WAIT).until(() -> n4.status().isLeader());
        n4.transferLeadership(known).join();
        await().atMost(WAIT).until(() -> machines.get(away).applied().contains("while-away"));
        await().atMost(WAIT).until(() -> back.clusterConfig().voters().contains("n4"));
    }

    @Test
    void aNodeThatWasDownWhileANewMemberTookTheLeadFollowsItWhenRestartedWithTheCurrentMembers() {
        // its log names n1..n3 only; restarted with the current list, it can reach n4 and hears
        // it lead until the log it receives names n4 itself
        String away = awayWhileN4JoinsAndLeads();
        RaftServer n4 = servers.get("n4");
        long term = n4.status().term();

        RaftServer back = restart(away, withN4());
        await().atMost(WAIT).until(() -> machines.get(away).applied().contains("while-away"));
        await().atMost(WAIT).until(() -> back.clusterConfig().voters().contains("n4"));
        assertThat(n4.status().isLeader()).isTrue(); // no election carried the log there: n4 sent it
        assertThat(n4.status().term()).isEqualTo(term);
    }

    @Test
    void joinedNodeRefusesToRestartIntoAnotherCluster() {
        RaftServer leader = foundCluster(3);
        join("n4");
        leader.addLearner("n4", address("n4")).join();
        await().atMost(WAIT).until(() -> servers.get("n4").clusterConfig().isLearner("n4"));
        servers.get("n4").close();

        RaftServer.Builder b = builder("n4", withN4(), storages.get("n4").crash(null), new CountingStateMachine())
                .join("other-cluster-0000");
        assertThatThrownBy(() -> b.build().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("other-cluster-0000").hasMessageContaining(leader.clusterId());
    }

    // --- harness -------------------------------------------------------------------------------

    /**
     * Founds n1..n3, stops a follower, adds n4 and hands it the lead, which then commits
     * "while-away"; returns the stopped follower's id.
     */
    private String awayWhileN4JoinsAndLeads() {
        RaftServer leader = foundCluster(3);
        String away = follower(leader);
        servers.get(away).close();
        join("n4");
        leader.addVoter("n4", address("n4")).join();
        leader.transferLeadership("n4").join();
        RaftServer n4 = servers.get("n4");
        await().atMost(WAIT).until(() -> n4.status().isLeader());
        submit(n4, "while-away");
        return away;
    }

    private RaftServer foundCluster(int n) {
        for (int i = 1; i <= n; i++) {
            founding.put("n" + i, address("n" + i));
        }
        for (String id : founding.keySet()) {
            start(id, builder(id, founding, new InMemoryLogStorage(), new CountingStateMachine()));
        }
        RaftServer leader = awaitLeader(List.copyOf(founding.keySet()));
        submit(leader, "first"); // the leader has committed an entry of its term: changes are allowed
        return leader;
    }

    /** Starts a new node that joins the running cluster, knowing the founding members and itself. */
    private RaftServer join(String id) {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>(founding);
        members.put(id, address(id));
        String clusterId = servers.values().iterator().next().clusterId();
        return start(id, builder(id, members, new InMemoryLogStorage(), new CountingStateMachine()).join(clusterId));
    }

    private Map<String, InetSocketAddress> withN4() {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>(founding);
        members.put("n4", address("n4"));
        return members;
    }

    private RaftServer restart(String id, Map<String, InetSocketAddress> members) {
        servers.get(id).close();
        InMemoryLogStorage storage = storages.get(id).crash(null);
        return start(id, builder(id, members, storage, new CountingStateMachine()));
    }

    private RaftServer.Builder builder(String id, Map<String, InetSocketAddress> members, InMemoryLogStorage storage,
                                       CountingStateMachine machine) {
        storages.put(id, storage);
        machines.put(id, machine);
        return RaftServer.builder().nodeId(id).clusterName("membership").members(members)
                .transport(network.transport(id)).logStorage(storage).stateMachine(machine)
                .config(tweak.apply(LocalCluster.FAST)).meterRegistry(registry);
    }

    private RaftServer start(String id, RaftServer.Builder b) {
        RaftServer s = b.build().start();
        servers.put(id, s);
        return s;
    }

    private static InetSocketAddress address(String id) {
        return new InetSocketAddress("127.0.0.1", 7000 + Integer.parseInt(id.substring(1)));
    }

    private String follower(RaftServer leader) {
        return founding.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
    }

    private static void submit(RaftServer server, String command) {
        try {
            server.submit(command.getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("submitting " + command + " to " + server.nodeId() + " failed", e);
        }
    }

    private RaftServer awaitLeader(List<String> among) {
        RaftServer[] found = new RaftServer[1];
        await().atMost(WAIT).until(() -> {
            List<RaftServer> leaders = new ArrayList<>();
            for (String id : among) {
                RaftServer s = servers.get(id);
                if (s.status().running() && s.status().isLeader()) {
                    leaders.add(s);
                }
            }
            if (leaders.size() != 1) {
                return false;
            }
            RaftServer leader = leaders.get(0);
            boolean known = among.stream().allMatch(id -> leader.nodeId().equals(servers.get(id).status().leaderId()));
            found[0] = leader;
            return known;
        });
        return found[0];
    }

    private io.micrometer.core.instrument.Gauge lagGauge(String node, String follower) {
        return registry.find("raft.follower.match.lag").tag("node", node).tag("follower", follower).gauge();
    }

    private double counter(String name, String node, String outcome) {
        return registry.find(name).tag("node", node).tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
