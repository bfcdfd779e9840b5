package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.ConfigChange;
import io.raftkit.spi.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Membership scenarios (issue 13), each over many seeds, with every checker of the simulator on
 * (including {@link MembershipChecker}) and liveness, convergence and linearizability at the end.
 */
class MembershipScenarioTest {

    private static final int SEEDS = Integer.getInteger("scenario.seeds", 20);
    private static final long ET = SimOptions.electionTimeoutMicros();
    /** One spare node with an empty log; no random membership changes. */
    private static final SimMembership ONE_SPARE = new SimMembership(false, 1, false, 0, 0);

    private static void scenario(String name, boolean unreliable, BiConsumer<Simulation, SplittableRandom> body) {
        scenario(name, unreliable, ONE_SPARE, body);
    }

    private static void scenario(String name, boolean unreliable, SimMembership spares,
                                 BiConsumer<Simulation, SplittableRandom> body) {
        List<String> failures = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            SimOptions options = unreliable ? SimOptions.unreliable(seed, 3) : SimOptions.reliable(seed, 3);
            Simulation sim = Simulation.of(options).withServing(SimServing.LEADER_ONLY).withMembership(spares);
            try {
                sim.start();
                body.accept(sim, new SplittableRandom(seed ^ 0x3e3b));
                sim.finish();
            } catch (Throwable t) {
                failures.add(name + " seed " + seed + ": " + t);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String awaitLeader(Simulation sim) {
        assertThat(sim.runUntil(() -> sim.leader() != null, 10 * ET)).as("a leader within 10 election timeouts").isTrue();
        return sim.leader();
    }

    /** Proposes at the leader, retrying while it is refused for a reason that passes (no commit of its term yet, a change in flight). */
    private static void propose(Simulation sim, ConfigChange target) {
        long deadline = sim.now() + 20 * ET;
        while (true) {
            awaitLeader(sim);
            try {
                sim.proposeMembership(target);
                return;
            } catch (IllegalStateException | io.raftkit.errors.NotLeaderException e) {
                assertThat(sim.now()).as("the change is accepted within 20 election timeouts: " + e).isLessThan(deadline);
                sim.runFor(SimOptions.TICK_MICROS);
            }
        }
    }

    private static void awaitConfig(Simulation sim, BooleanSupplier done) {
        boolean ok = sim.runUntil(done, 30 * ET);
        StringBuilder state = new StringBuilder();
        for (String id : sim.nodeIds()) {
            state.append(id).append(sim.isUp(id) ? "" : " DOWN").append(" ").append(sim.role(id)).append(" term ")
                    .append(sim.term(id)).append(" commit ").append(sim.commitIndex(id)).append(" applied ")
                    .append(sim.lastApplied(id)).append(" config ").append(sim.clusterConfig(id).voters())
                    .append(sim.clusterConfig(id).learners()).append("; ");
        }
        assertThat(ok).as("done within 30 election timeouts: " + state).isTrue();
    }

    private static boolean settledAt(Simulation sim, ClusterConfig expected) {
        String leader = sim.leader();
        return leader != null && !sim.configChangePending(leader) && sim.clusterConfig(leader).voters().equals(expected.voters())
                && sim.clusterConfig(leader).learners().equals(expected.learners());
    }

    @Test
    void aNewNodeJoinsAsALearnerCatchesUpIsPromotedAndTakesLeadership() {
        scenario("join, promote, transfer", false, (sim, r) -> {
            awaitLeader(sim);
            sim.runFor(20 * ET); // a log long enough that snapshots and compactions happen
            Set<String> three = Set.of("n1", "n2", "n3");
            propose(sim, ConfigChange.of(three, Set.of("n4")));
            awaitConfig(sim, () -> settledAt(sim, new ClusterConfig(three, Set.of(), Set.of("n4"), java.util.Map.of(), "")));
            awaitConfig(sim, () -> sim.lastApplied("n4") >= sim.commitIndex(sim.leader()) - 5);
            Set<String> four = Set.of("n1", "n2", "n3", "n4");
            propose(sim, ConfigChange.of(four, Set.of()));
            awaitConfig(sim, () -> settledAt(sim, ClusterConfig.of(four)));
            sim.transferLeadership("n4");
            assertThat(sim.runUntil(() -> "n4".equals(sim.leader()), 10 * ET)).as("n4 takes over").isTrue();
            // a majority of the four with one old member down still commits
            sim.crash(List.of("n1", "n2", "n3").get(r.nextInt(3)));
            sim.runFor(10 * ET);
            awaitLeader(sim);
        });
    }

    /**
     * etcd-raft issue 83: a node is removed; in half the seeds it is cut off first, so it never
     * learns it and keeps a configuration in which it votes. When it rejoins, it must neither win
     * an election nor disrupt the leader (PreVote, CheckQuorum, and the members no longer hearing it).
     */
    @Test
    void aRemovedNodeNeverLeadsAgainNorDisruptsTheCluster() {
        scenario("removed node", false, (sim, r) -> {
            String leader = awaitLeader(sim);
            sim.runFor(5 * ET);
            List<String> followers = sim.nodeIds().stream().filter(id -> !id.equals(leader) && !id.equals("n4")).toList();
            String removed = followers.get(r.nextInt(followers.size()));
            boolean cutOff = r.nextBoolean();
            if (cutOff) {
                sim.isolate(removed);
            }
            Set<String> rest = new TreeSet<>(Set.of("n1", "n2", "n3"));
            rest.remove(removed);
            propose(sim, ConfigChange.of(rest, Set.of()));
            awaitConfig(sim, () -> settledAt(sim, ClusterConfig.of(rest)));
            sim.noteRemovals();
            String now = sim.leader();
            long term = sim.term(now);
            sim.healNetwork();
            sim.runFor(40 * ET);
            assertThat(sim.leader()).as("the leader keeps leading").isEqualTo(now);
            assertThat(sim.term(now)).as("no election is forced on the cluster").isEqualTo(term);
        });
    }

    /**
     * A leader removes itself: it leads until the configuration without it commits, then steps
     * down, and the others elect a leader among themselves.
     */
    @Test
    void aLeaderRemovesItselfAndTheRestElectANewLeader() {
        scenario("leader removes itself", true, (sim, r) -> {
            String leader = awaitLeader(sim);
            sim.runFor(3 * ET);
            Set<String> rest = new TreeSet<>(Set.of("n1", "n2", "n3"));
            rest.remove(leader);
            propose(sim, ConfigChange.of(rest, Set.of()));
            awaitConfig(sim, () -> sim.leader() != null && !sim.leader().equals(leader) && settledAt(sim, ClusterConfig.of(rest)));
            sim.noteRemovals();
            sim.runFor(20 * ET);
            assertThat(sim.leader()).isIn(rest.toArray());
        });
    }

    /**
     * Learners never count for a quorum: a leader cut off from the other voters but still
     * reaching two learners (three of five members) must not commit, while the two voters elect a
     * leader of their own and commit; every acknowledged write must survive the heal.
     */
    @Test
    void aLeaderWithOnlyLearnersAroundItCommitsNothing() {
        scenario("learners are no quorum", false, new SimMembership(false, 2, false, 0, 0), (sim, r) -> {
            awaitLeader(sim);
            sim.runFor(3 * ET);
            Set<String> three = Set.of("n1", "n2", "n3");
            Set<String> learners = Set.of("n4", "n5");
            propose(sim, ConfigChange.of(three, learners));
            awaitConfig(sim, () -> settledAt(sim, new ClusterConfig(three, Set.of(), learners, java.util.Map.of(), "")));
            awaitConfig(sim, () -> sim.lastApplied("n4") >= sim.commitIndex(sim.leader()) - 2
                    && sim.lastApplied("n5") >= sim.commitIndex(sim.leader()) - 2);
            String leader = sim.leader();
            sim.partition(Set.of(leader, "n4", "n5"));
            for (int c = 0; c < sim.clientCount(); c++) {
                sim.pointClient(c, c % 2 == 0 ? leader : List.of("n1", "n2", "n3").stream()
                        .filter(id -> !id.equals(leader)).findFirst().orElseThrow());
            }
            sim.runFor(10 * ET);
            sim.healNetwork();
        });
    }

    /** Replacing a node: add the new one as a learner, promote it while removing the old one, in one joint change. */
    @Test
    void aNodeIsReplacedUnderAnUnreliableNetwork() {
        scenario("replace a node", true, (sim, r) -> {
            awaitLeader(sim);
            sim.runFor(5 * ET);
            Set<String> three = Set.of("n1", "n2", "n3");
            propose(sim, ConfigChange.of(three, Set.of("n4")));
            awaitConfig(sim, () -> settledAt(sim, new ClusterConfig(three, Set.of(), Set.of("n4"), java.util.Map.of(), "")));
            String old = List.of("n1", "n2", "n3").get(r.nextInt(3));
            Set<String> next = new TreeSet<>(three);
            next.remove(old);
            next.add("n4");
            propose(sim, ConfigChange.of(next, Set.of()));
            awaitConfig(sim, () -> settledAt(sim, ClusterConfig.of(next)));
            sim.noteRemovals();
            sim.crash(old);
            sim.runFor(10 * ET);
            awaitLeader(sim);
        });
    }
}
