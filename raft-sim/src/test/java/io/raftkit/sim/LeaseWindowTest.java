package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.message.HeartbeatResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stages the window a leader lease must close (thesis §6.4.1): a leader whose lease was just
 * renewed is cut off while the rest of the cluster elects, commits and acknowledges a write to
 * the key the old leader's clients keep reading with LEASE consistency. Everything that makes the
 * window as wide as the configuration allows is set: the old leader's clock runs slow and every
 * other clock fast, both at the edge of the drift bound the lease allows
 * ({@link SimServing#LEASE_SKEW}); the successor draws the minimum election timeout, and the
 * follower that must vote for it a random one (so they do not split the vote); the cut comes
 * right after the old leader's heartbeat round was answered; messages and disks are fast. Then
 * the new leader acknowledges a write as soon as a correct lease has expired, so a lease that
 * lasts longer than it may (up to the election timeout, or forever) serves a read of the
 * overwritten value after the write was acknowledged, which the linearizability checker catches.
 * Correct code passes every seed.
 */
class LeaseWindowTest {

    private static final int SEEDS = Integer.getInteger("scenario.seeds", 20);
    private static final int ROUNDS = Integer.getInteger("lease.rounds", 12);
    private static final long ET = SimOptions.electionTimeoutMicros();
    private static final int CLIENTS = 8;
    /** Clients 0..READERS-1 read with LEASE at the old leader; the others write at the majority. */
    private static final int READERS = 5;
    private static final int MAX_DELAY_MICROS = 150;

    @Test
    void aCutOffLeaderServesNoLeaseReadOnceAnotherLeaderCanHaveAcknowledgedAWrite() {
        List<String> failures = new ArrayList<>();
        for (long seed = 0; seed < SEEDS; seed++) {
            Simulation sim = Simulation.of(options(seed)).withServing(new SimServing(true, 1.0, 0, false));
            try {
                sim.start();
                stageRounds(sim);
                sim.finish();
            } catch (Throwable t) {
                failures.add("lease window seed " + seed + ": " + t);
            }
        }
        assertThat(failures).isEmpty();
    }

    /**
     * 3 nodes, one key, fast messages (50-150 µs) and disks (20-60 µs), no random faults: the
     * scenario makes its own. PreVote on odd seeds (a round trip more before the new leader).
     */
    static SimOptions options(long seed) {
        return new SimOptions(seed, 3, 0, CLIENTS, 1, 0.5, 0, 0, 50, MAX_DELAY_MICROS, false, false, false, false,
                false, 20, 60, false, seed % 2 == 1, true, 16 * 1024, 64);
    }

    private static void stageRounds(Simulation sim) {
        long[] lastAck = new long[1];
        String[] watched = new String[1];
        // the old leader's lease runs from a round its followers answered: cut right after one arrives
        sim.tap(m -> {
            if (m instanceof HeartbeatResponse && m.to().equals(watched[0])) {
                lastAck[0] = sim.now();
            }
        });
        for (int c = 0; c < CLIENTS; c++) {
            sim.setClientReadFraction(c, c < READERS ? 1.0 : 0.0);
        }
        String first = awaitLeader(sim);
        // one follower keeps drawing random election timeouts, so it never splits the vote with the successor
        String steady = others(sim, first).get(1);
        for (String id : sim.nodeIds()) {
            sim.setMinimumElectionTimeout(id, !id.equals(steady));
        }
        for (int round = 0; round < ROUNDS; round++) {
            String old = awaitLeader(sim, steady);
            List<String> rest = others(sim, old);
            String successor = rest.contains(steady) ? rest.get(rest.get(0).equals(steady) ? 1 : 0) : rest.get(0);
            sim.setClockRate(old, 1 + SimServing.LEASE_SKEW);
            rest.forEach(id -> sim.setClockRate(id, 1 - SimServing.LEASE_SKEW));
            point(sim, old, rest);
            sim.runFor(2 * ET);
            watched[0] = old;
            lastAck[0] = -1;
            long since = sim.now();
            sim.runUntil(() -> lastAck[0] > since, ET);
            sim.runFor(MAX_DELAY_MICROS); // the answer is delivered: the lease was renewed
            watched[0] = null;
            sim.isolate(old);
            for (long t = 0; t < 4 * ET; t += SimOptions.TICK_MICROS / 4) {
                point(sim, old, List.of(successor, rest.get(0).equals(successor) ? rest.get(1) : rest.get(0)));
                sim.runFor(SimOptions.TICK_MICROS / 4);
            }
            sim.healNetwork();
            sim.nodeIds().forEach(id -> sim.setClockRate(id, 1));
            sim.runFor(2 * ET);
        }
        sim.nodeIds().forEach(id -> sim.setMinimumElectionTimeout(id, false));
    }

    /** Readers at the old leader; writers at the others, the successor first. */
    private static void point(Simulation sim, String old, List<String> rest) {
        for (int c = 0; c < CLIENTS; c++) {
            sim.pointClient(c, c < READERS ? old : rest.get(c % rest.size()));
        }
    }

    private static String awaitLeader(Simulation sim) {
        sim.runUntil(() -> sim.leader() != null, 10 * ET);
        assertThat(sim.leader()).as("a leader within 10 election timeouts").isNotNull();
        return sim.leader();
    }

    /**
     * Election timeouts that are all the minimum are not random any more, and two candidates on
     * clocks at the same rate can split the vote again and again (Raft's liveness rests on the
     * randomness): when no leader comes within 3 election timeouts, the nodes draw random
     * timeouts again until one does, then the staging goes on.
     */
    private static String awaitLeader(Simulation sim, String steady) {
        if (!sim.runUntil(() -> sim.leader() != null, 3 * ET)) {
            sim.nodeIds().forEach(id -> sim.setMinimumElectionTimeout(id, false));
            awaitLeader(sim);
            sim.nodeIds().forEach(id -> sim.setMinimumElectionTimeout(id, !id.equals(steady)));
        }
        return sim.leader();
    }

    private static List<String> others(Simulation sim, String id) {
        return sim.nodeIds().stream().filter(n -> !n.equals(id)).toList();
    }

}
