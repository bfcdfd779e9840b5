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

    /** Seeds per scenario; {@code -Dscenario.seeds=N} chooses another number. */
    private static final int SEEDS = Integer.getInteger("scenario.seeds", 20);
    private static final long ET = SimOptions.electionTimeoutMicros();

    private static void scenario(String name, int nodes, boolean unreliable, BiConsumer<Simulation, SplittableRandom> body) {
        scenario(name, seed -> unreliable ? SimOptions.unreliable(seed, nodes) : SimOptions.reliable(seed, nodes), body);
    }

    /**
     * The scenarios script the Raft core's behaviour with clients served by the leader only, as
     * their assertions about who answers clients assume; the swarm ({@link SimulationSeedsTest})
     * covers serving from any node. {@code -Dsim.scenarioServing=any} runs them with forwarding,
     * LEASE and LOCAL reads (no disk stalls) to look for a difference.
     */
    private static final SimServing SERVING = "any".equals(System.getProperty("sim.scenarioServing"))
            ? new SimServing(true, 0.3, 0.2, false) : SimServing.LEADER_ONLY;

    private static void scenario(String name, java.util.function.LongFunction<SimOptions> optionsOf,
                                 BiConsumer<Simulation, SplittableRandom> body) {
        scenario(name, optionsOf, SERVING, body);
    }

    private static void scenario(String name, java.util.function.LongFunction<SimOptions> optionsOf, SimServing serving,
                                 BiConsumer<Simulation, SplittableRandom> body) {
        List<String> failures = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            Simulation sim = Simulation.of(optionsOf.apply(seed)).withServing(serving);
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

    // --- the rare windows: each scenario below stages one moment a single broken rule needs ---

    /** A calm network with the knobs these scenarios turn. */
    private static SimOptions calm(long seed, int nodes, int clients, int keys, double readFraction, int minSync,
                                   int maxSync, boolean preVote, boolean checkQuorum) {
        return new SimOptions(seed, nodes, 0, clients, keys, readFraction, 0, 0, 100, 500, false, false, false, false,
                false, minSync, maxSync, false, preVote, checkQuorum, 16 * 1024, 64);
    }

    private static List<String> othersThan(Simulation sim, String id) {
        return sim.nodeIds().stream().filter(n -> !n.equals(id)).toList();
    }

    /** Runs for {@code micros}, sending clients {@code from..to-1} to {@code node} at every tick. */
    private static void runPointing(Simulation sim, long micros, int from, int to, String node) {
        for (long t = 0; t < micros; t += SimOptions.TICK_MICROS) {
            for (int c = from; c < to; c++) {
                sim.pointClient(c, node);
            }
            sim.runFor(SimOptions.TICK_MICROS);
        }
    }

    /**
     * A leader cut off (with one follower) together with two of its clients, while the majority elects a new leader
     * and acknowledges writes to the same (single) key. Reads the stale leader answers, or
     * writes it acknowledges, would break linearizability. Even seeds run without CheckQuorum, so
     * the stale leader keeps believing it leads for the whole cut; odd seeds with it, and then it
     * must step down.
     */
    @Test
    void staleLeaderCutOffWithItsClients() {
        scenario("stale leader with its clients", seed -> calm(seed, 5, 4, 1, 0.5, 100, 300, true, seed % 2 == 1),
                (sim, r) -> {
                    String old = awaitLeader(sim);
                    sim.runFor(2 * ET);
                    // a buddy stays with it: its fresh answers, with the older answers of the
                    // others, must not make a quorum for a read round
                    String buddy = other(sim, Set.of(old), r);
                    sim.partition(Set.of(old, buddy));
                    long acked = sim.acknowledged();
                    List<String> rest = othersThan(sim, old).stream().filter(id -> !id.equals(buddy)).toList();
                    for (int t = 0; t < 10; t++) {
                        // clients 0 and 1 stay with the stale leader; 2 and 3 go to the majority
                        for (int c = 2; c < 4; c++) {
                            sim.pointClient(c, rest.get(r.nextInt(rest.size())));
                        }
                        runPointing(sim, ET, 0, 2, old);
                    }
                    assertThat(sim.leader()).as("the majority elects a new leader").isNotNull().isNotEqualTo(old);
                    assertThat(sim.acknowledged()).as("the majority acknowledges operations").isGreaterThan(acked);
                    if (sim.options().checkQuorum()) {
                        assertThat(sim.role(old)).as("CheckQuorum: a leader cut off from its quorum steps down")
                                .isNotEqualTo(io.raftkit.core.Role.LEADER);
                    }
                    sim.healNetwork();
                });
    }

    /**
     * ReadIndex needs a quorum's confirmation: a leader cut off from every other node, with every
     * client sending it reads and writes, must acknowledge nothing (the replies already on their
     * way when the cut happens arrive within an election timeout). The other nodes are also
     * down, so no other leader can answer a client that was redirected in between.
     */
    @Test
    void leaderCutOffFromItsQuorumAnswersNoRead() {
        scenario("no read without a quorum", seed -> calm(seed, 3, 3, 2, 0.7, 100, 300, true, seed % 2 == 1),
                (sim, r) -> {
                    String old = awaitLeader(sim);
                    sim.runFor(2 * ET);
                    sim.isolate(old);
                    List<String> rest = othersThan(sim, old);
                    rest.forEach(sim::crash);
                    runPointing(sim, ET, 0, sim.clientCount(), old);
                    long acked = sim.acknowledged();
                    runPointing(sim, 6 * ET, 0, sim.clientCount(), old);
                    assertThat(sim.acknowledged()).as("an isolated leader answers no client").isEqualTo(acked);
                    rest.forEach(sim::restart);
                    sim.healNetwork();
                });
    }

    /**
     * A leader cut off from its quorum with one follower, whose clients (through it and through
     * that follower) read with LEASE consistency while the majority elects a new leader and
     * acknowledges writes to the one key. The old leader may answer from its lease only while no
     * other leader can have been elected; a lease read after the lease should have expired returns
     * a value the majority has overwritten, which the linearizability checker catches. Five
     * rounds per seed.
     */
    @Test
    void aCutOffLeaderServesLeaseReadsOnlyWhileItsLeaseHolds() {
        scenario("lease reads of a cut-off leader", seed -> calm(seed, 5, 6, 1, 0.7, 100, 300, true, true),
                new SimServing(true, 1.0, 0, false), (sim, r) -> {
                    for (int round = 0; round < 5; round++) {
                        String old = awaitLeader(sim);
                        sim.runFor(2 * ET);
                        List<String> rest = othersThan(sim, old);
                        String buddy = rest.get(0);
                        sim.partition(java.util.Set.of(old, buddy));
                        for (long t = 0; t < 3 * ET; t += SimOptions.TICK_MICROS) {
                            for (int c = 0; c < sim.clientCount(); c++) {
                                sim.pointClient(c, c < 3 ? (c % 2 == 0 ? old : buddy) : rest.get(1 + c % 3));
                            }
                            sim.runFor(SimOptions.TICK_MICROS);
                        }
                        sim.healNetwork();
                    }
                });
    }

    /**
     * A new leader's commit index may lag what its predecessor committed and acknowledged: the
     * old leader is cut off the moment it commits past every follower, and as soon as a new
     * leader is elected every client reads the same key from it. A leader that answers ReadIndex
     * before an entry of its own term commits returns the value before the acknowledged write.
     * Slow disks widen the window; four rounds per seed.
     */
    @Test
    void newLeaderReadsNothingStaleBeforeItsFirstCommit() {
        scenario("new leader's first reads", seed -> calm(seed, 5, 4, 1, 0.6, 1_000, 3_000, true, true), (sim, r) -> {
            for (int round = 0; round < 4; round++) {
                String old = awaitLeader(sim);
                sim.runFor(ET);
                List<String> rest = othersThan(sim, old);
                if (!sim.runUntil(() -> rest.stream().allMatch(id -> sim.commitIndex(id) < sim.commitIndex(old)), 10 * ET)) {
                    continue;
                }
                sim.isolate(old);
                for (int t = 0; t < 3 * SimOptions.ELECTION_TICKS && rest.stream().noneMatch(id -> id.equals(sim.leader())); t++) {
                    for (int c = 0; c < sim.clientCount(); c++) {
                        sim.pointClient(c, rest.get(r.nextInt(rest.size())));
                    }
                    sim.runFor(SimOptions.TICK_MICROS);
                }
                String next = sim.leader();
                if (next != null && !next.equals(old)) {
                    runPointing(sim, 3 * ET, 0, sim.clientCount(), next);
                }
                sim.healNetwork();
                sim.runFor(2 * ET);
            }
        });
    }

    /**
     * Figure 2's follower commit rule (commit = min(leaderCommit, index of the last new entry)),
     * against appends raftkit's leader does not send but another correct leader may: a leader cut
     * off with its clients collects entries it cannot commit; the majority commits others at the
     * same indexes; when the old leader rejoins as a follower, half the appends it gets are
     * rewritten (shorter, empty at another point, a lower commit index, an older one again). An
     * empty append that matches below its stale entries, carrying the new leader's commit index,
     * must not commit them. One entry per append; four rounds per seed.
     */
    @Test
    void staleFollowerMeetsAnotherLeadersAppends() {
        scenario("stale follower, unusual appends", seed -> new SimOptions(seed, 5, 0, 4, 2, 0.2, 0, 0, 100, 500,
                false, false, false, false, false, 100, 300, false, true, false, 1, 4, 0.5), (sim, r) -> {
            for (int round = 0; round < 4; round++) {
                String old = awaitLeader(sim);
                sim.isolate(old);
                runPointing(sim, 2 * ET, 0, 2, old); // its clients leave entries it cannot commit
                runPointing(sim, 5 * ET, 0, 2, othersThan(sim, old).get(r.nextInt(4)));
                sim.healNetwork();
                sim.runFor(3 * ET);
            }
        });
    }

    /**
     * An append from the leader resets a follower's election timer as a heartbeat does: a
     * follower that gets only appends (its heartbeats are lost, clients keep writing) must not
     * campaign. (PreVote on, CheckQuorum off: the others would grant its pre-votes, its log
     * being current.)
     */
    @Test
    void appendsAloneKeepAFollowerFromCampaigning() {
        scenario("appends reset the election timer", seed -> calm(seed, 3, 3, 3, 0.0, 100, 300, true, false),
                (sim, r) -> {
                    String leader = awaitLeader(sim);
                    sim.runFor(ET);
                    sim.dropHeartbeats(leader, other(sim, Set.of(leader), r));
                    long term = sim.term(leader);
                    sim.runFor(10 * ET);
                    assertThat(sim.leader()).as("the leader keeps leading").isEqualTo(leader);
                    assertThat(sim.term(leader)).as("and its term does not change").isEqualTo(term);
                    sim.healNetwork();
                });
    }

    /**
     * The leader counts itself towards a commit only for entries on its own disk: with slow
     * disks and one follower cut off from it, the leader commits with the other follower's
     * acknowledgement and crashes the moment its commit index moves, then that follower is cut
     * off and the leader restarts. Whoever the remaining two elect must hold every committed
     * entry; a leader that counted an entry still in its disk's queue has lost it by now.
     */
    @Test
    void leaderCrashingAtCommitKeepsWhatItCommitted() {
        scenario("leader's own durability", seed -> calm(seed, 3, 3, 2, 0.0, 1_000, 3_000, false, false),
                (sim, r) -> {
                    String leader = awaitLeader(sim);
                    sim.runFor(ET);
                    String acker = other(sim, Set.of(leader), r);
                    String behind = other(sim, Set.of(leader, acker), r);
                    sim.disconnect(leader, behind);
                    // an entry appended after the cut: the node cut off cannot hold it
                    long sent = sim.lastIndex(leader);
                    assertThat(sim.runUntil(() -> sim.commitIndex(leader) > sent, 5 * ET)).isTrue();
                    sim.crash(leader);
                    sim.healNetwork();
                    sim.isolate(acker);
                    sim.restart(leader);
                    sim.runFor(10 * ET);
                    sim.healNetwork();
                });
    }

    /**
     * A vote must survive a crash: V votes for X in a term, X wins and is cut off, V crashes and
     * restarts, and Y — which could not hear X, so is still in the previous term — asks V for a
     * vote in that same term. A node that forgot its vote grants it, and the term has two
     * leaders. (No PreVote, no CheckQuorum, so nothing else stops Y.) Seeds in which V itself
     * campaigns first, or X does not win at once, stage nothing and just run on.
     */
    @Test
    void voteSurvivesACrashRightAfterVoting() {
        scenario("vote persistence", seed -> calm(seed, 3, 2, 2, 0.2, 100, 300, false, false), (sim, r) -> {
            List<String> ids = sim.nodeIds();
            String voter = ids.get(r.nextInt(3));
            List<String> pair = othersThan(sim, voter);
            sim.disconnect(pair.get(0), pair.get(1));
            assertThat(sim.runUntil(() -> sim.votedFor(voter) != null, 10 * ET)).isTrue();
            String x = sim.votedFor(voter);
            if (!x.equals(voter) && sim.runUntil(() -> sim.role(x) == io.raftkit.core.Role.LEADER
                    || sim.term(x) != sim.term(voter), ET) && sim.role(x) == io.raftkit.core.Role.LEADER) {
                sim.isolate(x);
                sim.crash(voter);
                sim.restart(voter);
                sim.runFor(5 * ET);
            }
            sim.healNetwork();
        });
    }

    /**
     * PreVote's log check: a follower that stops hearing the leader (one-way cut) while clients
     * keep writing falls behind, times out and asks for pre-votes again and again. Its log is
     * behind, so nobody grants them, and neither the leader nor its term changes. (CheckQuorum
     * off: its lease would hide a missing log check.)
     */
    @Test
    void preVoteFromABehindFollowerDisruptsNothing() {
        scenario("pre-vote log check", seed -> calm(seed, 3, 3, 3, 0.0, 100, 300, true, false), (sim, r) -> {
            String leader = awaitLeader(sim);
            sim.runFor(ET);
            String follower = other(sim, Set.of(leader), r);
            sim.cutOneWay(leader, follower);
            long term = sim.term(leader);
            sim.runFor(15 * ET);
            assertThat(sim.leader()).as("the leader keeps leading").isEqualTo(leader);
            assertThat(sim.term(leader)).as("and its term does not change").isEqualTo(term);
            sim.healNetwork();
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

    /**
     * A follower partitioned away while the others commit and compact past its log rejoins through
     * InstallSnapshot, with chunks (and everything else) lost and duplicated during the transfer;
     * the end of the run checks that it converged and that its restored state equals the others'.
     */
    @Test
    void partitionedNodeRejoinsThroughASnapshotDespiteLoss() {
        scenario("rejoin through a snapshot", 3, false, (sim, r) -> {
            awaitLeader(sim);
            String behind = other(sim, Set.of(sim.leader()), r);
            sim.isolate(behind);
            long itsLast = sim.lastIndex(behind);
            long deadline = sim.now() + 100 * ET;
            while (sim.now() < deadline && (sim.leader() == null || sim.firstIndex(sim.leader()) <= itsLast + 1)) {
                sim.runFor(ET);
            }
            assertThat(sim.leader()).isNotNull();
            assertThat(sim.firstIndex(sim.leader())).as("the leader compacted past the isolated node's log")
                    .isGreaterThan(itsLast + 1);
            long installed = sim.snapshotsInstalled();
            sim.setNetwork(0.2, 0.1);
            sim.healNetwork();
            deadline = sim.now() + 200 * ET;
            while (sim.now() < deadline && sim.snapshotsInstalled() == installed) {
                sim.runFor(ET);
            }
            assertThat(sim.snapshotsInstalled()).as("the node rejoined through a snapshot").isGreaterThan(installed);
            assertThat(sim.firstIndex(behind)).isGreaterThan(itsLast + 1);
            sim.setNetwork(0, 0);
        });
    }
}
