package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * Named scenarios after the classic Raft lab test suites, each run over many seeds. Every run
 * ends with {@link Simulation#finish()}: faults healed, a leader within 10 election timeouts,
 * pending work committed within 20, replicas converged, and the client history linearizable;
 * every safety property is checked after every step throughout.
 */
class ScenarioTest {

    private static final int SEEDS = 20;
    private static final long ET = SimOptions.electionTimeoutMicros();

    private static void scenario(String name, int nodes, boolean unreliable, BiConsumer<Simulation, SplittableRandom> body) {
        scenario(name, seed -> unreliable ? SimOptions.unreliable(seed, nodes) : SimOptions.reliable(seed, nodes), body);
    }

    private static void scenario(String name, java.util.function.LongFunction<SimOptions> optionsOf,
                                 BiConsumer<Simulation, SplittableRandom> body) {
        List<String> failures = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            Simulation sim = Simulation.of(optionsOf.apply(seed));
            try {
                sim.start();
                body.accept(sim, new SplittableRandom(seed ^ 0x5eed));
                sim.finish();
            } catch (Throwable t) {
                failures.add(name + " seed " + seed + ": " + t);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static String awaitLeader(Simulation sim) {
        long deadline = sim.now() + 10 * ET;
        while (sim.leader() == null && sim.now() < deadline) {
            sim.runFor(SimOptions.TICK_MICROS);
        }
        assertThat(sim.leader()).as("a leader within 10 election timeouts").isNotNull();
        return sim.leader();
    }

    private static String other(Simulation sim, Set<String> not, SplittableRandom r) {
        List<String> candidates = sim.nodeIds().stream().filter(id -> !not.contains(id)).toList();
        return candidates.get(r.nextInt(candidates.size()));
    }

    @Test
    void initialElection() {
        scenario("initial election", 3, false, (sim, r) -> {
            String leader = awaitLeader(sim);
            long term = sim.term(leader);
            for (String id : sim.nodeIds()) {
                sim.runFor(ET);
                assertThat(sim.term(id)).isEqualTo(term);
            }
            sim.runFor(10 * ET);
            assertThat(sim.leader()).as("no election without a failure").isEqualTo(leader);
            assertThat(sim.term(leader)).isEqualTo(term);
        });
    }

    @Test
    void reElection() {
        scenario("re-election", 3, false, (sim, r) -> {
            String first = awaitLeader(sim);
            sim.isolate(first);
            sim.runFor(10 * ET);
            String second = sim.leader();
            assertThat(second).isNotNull().isNotEqualTo(first);
            sim.healNetwork();
            sim.runFor(5 * ET);
            assertThat(sim.leader()).isNotNull();
            // with two of three gone, the last node must not lead
            String leader = sim.leader();
            String follower = other(sim, Set.of(leader), r);
            sim.isolate(leader);
            sim.isolate(follower);
            sim.runFor(10 * ET);
            for (String id : sim.nodeIds()) {
                if (!id.equals(leader) && !id.equals(follower)) {
                    assertThat(id).isNotEqualTo(sim.leader());
                }
            }
            sim.healNetwork();
            awaitLeader(sim);
        });
    }

    @Test
    void manyElections() {
        scenario("many elections", 5, false, (sim, r) -> {
            awaitLeader(sim);
            for (int i = 0; i < 8; i++) {
                String a = other(sim, Set.of(), r);
                String b = other(sim, Set.of(a), r);
                sim.isolate(a);
                sim.isolate(b);
                sim.runFor(10 * ET);
                String leader = sim.leader();
                assertThat(leader).as("three of five connected elect a leader").isNotNull();
                sim.healNetwork();
            }
        });
    }

    @Test
    void agreementWithAFollowerDown() {
        scenario("agreement with a follower down", 3, false, (sim, r) -> {
            String leader = awaitLeader(sim);
            sim.runFor(5 * ET);
            String follower = other(sim, Set.of(leader), r);
            sim.isolate(follower);
            long acked = sim.acknowledged();
            sim.runFor(10 * ET);
            assertThat(sim.acknowledged()).as("two of three still commit").isGreaterThan(acked);
            sim.healNetwork();
            sim.runFor(10 * ET);
            assertThat(sim.commitIndex(follower)).isGreaterThan(0);
        });
    }

    @Test
    void noAgreementWithoutAMajority() {
        scenario("no agreement without a majority", 5, false, (sim, r) -> {
            String leader = awaitLeader(sim);
            sim.runFor(5 * ET);
            List<String> followers = sim.nodeIds().stream().filter(id -> !id.equals(leader)).toList();
            sim.isolate(followers.get(0));
            sim.isolate(followers.get(1));
            sim.isolate(followers.get(2));
            sim.runFor(ET);
            long commit = sim.commitIndex(leader);
            sim.runFor(10 * ET);
            assertThat(sim.commitIndex(leader)).as("two of five cannot commit").isEqualTo(commit);
            sim.healNetwork();
        });
    }

    @Test
    void concurrentProposals() {
        scenario("concurrent proposals", 3, false, (sim, r) -> {
            awaitLeader(sim);
            long acked = sim.acknowledged();
            sim.runFor(20 * ET);
            assertThat(sim.acknowledged() - acked).as("every client makes progress").isGreaterThan(20);
        });
    }

    @Test
    void rejoinOfAPartitionedLeader() {
        scenario("rejoin of a partitioned leader", 3, false, (sim, r) -> {
            String old = awaitLeader(sim);
            sim.isolate(old); // clients that still talk to it leave uncommitted entries behind
            sim.runFor(10 * ET);
            String next = sim.leader();
            assertThat(next).isNotEqualTo(old);
            long acked = sim.acknowledged();
            sim.runFor(5 * ET);
            assertThat(sim.acknowledged()).isGreaterThan(acked);
            sim.healNetwork();
            sim.runFor(5 * ET);
            assertThat(sim.term(old)).isGreaterThanOrEqualTo(sim.term(next));
        });
    }

    @Test
    void backupOfALeaderWithManyUncommittedEntries() {
        scenario("backup", 5, false, (sim, r) -> {
            String old = awaitLeader(sim);
            String buddy = other(sim, Set.of(old), r);
            sim.partition(Set.of(old, buddy)); // old keeps accepting writes it cannot commit
            sim.runFor(20 * ET);
            String next = sim.leader();
            assertThat(next).isNotIn(old, buddy);
            sim.runFor(20 * ET); // the majority commits many entries of its own
            sim.healNetwork();
        });
    }

    @Test
    void persistenceAcrossCrashes() {
        scenario("persistence", 3, false, (sim, r) -> {
            awaitLeader(sim);
            for (int i = 0; i < 5; i++) {
                sim.runFor(3 * ET);
                for (String id : sim.nodeIds()) {
                    sim.crash(id); // the whole cluster at once
                }
                sim.runFor(ET);
                for (String id : sim.nodeIds()) {
                    sim.restart(id);
                }
                awaitLeader(sim);
            }
        });
    }

    private static void figure8(Simulation sim, SplittableRandom r) {
        awaitLeader(sim);
        for (int i = 0; i < 30; i++) {
            String leader = sim.leader();
            if (leader != null) {
                sim.runFor(r.nextInt((int) (2 * ET)));
                sim.crash(leader);
            } else {
                sim.runFor(ET / 2);
            }
            // keep a majority up
            List<String> down = sim.nodeIds().stream().filter(id -> !sim.isUp(id)).toList();
            if (!down.isEmpty() && (down.size() > (sim.nodeIds().size() - 1) / 2 || r.nextInt(3) == 0)) {
                sim.restart(down.get(r.nextInt(down.size())));
            }
        }
    }

    @Test
    void figure8Reliable() {
        scenario("figure 8", 5, false, ScenarioTest::figure8);
    }

    @Test
    void figure8Unreliable() {
        scenario("figure 8 unreliable", 5, true, ScenarioTest::figure8);
    }

    /**
     * Figure 8 of the Raft paper, staged: an entry of an old term reaches a majority under a
     * newer leader, that leader is cut off, and a node holding a conflicting entry of a middle
     * term asks for votes. A leader that committed the old entry by counting replicas would
     * lose it here; the checkers must see every commit survive.
     */
    @Test
    void figure8Staged() {
        // one entry per append and one append in flight, so old entries and the new leader's
        // no-op travel separately; no PreVote or CheckQuorum, so the staged elections happen
        scenario("figure 8 staged", seed -> new SimOptions(seed, 5, 0, 3, 1, 0.0, 0, 0, 100, 500,
                false, false, false, false, false, 100, 300, false, false, false, 1, 1), (sim, r) -> {
            String first = awaitLeader(sim);
            String buddy = other(sim, Set.of(first), r);
            // the first leader appends entries only it and its buddy hold
            sim.partition(Set.of(first, buddy));
            assertThat(sim.runUntil(() -> sim.lastIndex(first) > sim.commitIndex(first), 20 * ET)).isTrue();
            // the other three elect a leader, which is cut off the moment it wins: its no-op
            // (a conflicting entry of a newer term) stays with it alone
            List<String> rest = sim.nodeIds().stream().filter(id -> !id.equals(first) && !id.equals(buddy)).toList();
            assertThat(sim.runUntil(() -> rest.stream().anyMatch(id -> sim.role(id) == io.raftkit.core.Role.LEADER),
                    20 * ET)).isTrue();
            String second = rest.stream().filter(id -> sim.role(id) == io.raftkit.core.Role.LEADER).findFirst().orElseThrow();
            sim.healNetwork();
            sim.isolate(second);
            // the first leader or its buddy wins a newer term and replicates the old entries,
            // one entry per append; cut the new leader off as soon as it has committed past them
            long target = sim.lastIndex(first);
            assertThat(sim.runUntil(() -> {
                String l = sim.leader();
                return l != null && !l.equals(second) && sim.term(l) > sim.term(second) && sim.commitIndex(l) >= target;
            }, 40 * ET)).isTrue();
            String third = sim.leader();
            long thirdTerm = sim.term(third);
            sim.healNetwork();
            // cut off every node that holds an entry of the third leader's term: if the old
            // entries were committed correctly, those are a majority and nobody can win now;
            // if they were committed by counting replicas alone, the second leader can
            for (String id : sim.nodeIds()) {
                if (sim.lastTerm(id) == thirdTerm) {
                    sim.isolate(id);
                }
            }
            sim.runFor(20 * ET); // the second leader may now ask for votes
        });
    }

    private static void churn(Simulation sim, SplittableRandom r) {
        for (int i = 0; i < 40; i++) {
            String id = sim.nodeIds().get(r.nextInt(sim.nodeIds().size()));
            switch (r.nextInt(3)) {
                case 0 -> sim.crash(id);
                case 1 -> sim.restart(id);
                default -> sim.isolate(id);
            }
            if (r.nextInt(4) == 0) {
                sim.healNetwork();
            }
            sim.runFor(r.nextInt((int) ET));
        }
    }

    @Test
    void churnReliable() {
        scenario("churn", 5, false, ScenarioTest::churn);
    }

    @Test
    void churnUnreliable() {
        scenario("churn unreliable", 5, true, ScenarioTest::churn);
    }
}
