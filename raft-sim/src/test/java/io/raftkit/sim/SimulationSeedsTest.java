package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Swarm testing: many seeds, each expanding to its own mix of faults, every safety property
 * checked after every step, liveness and linearizability at the end of each run.
 *
 * <p>{@code -Dsim.seeds=N -Dsim.steps=S -Dsim.baseSeed=B} choose the seeds ({@code -Psoak} runs
 * 20,000). A failure prints its seed and the command that replays it with a trace.
 */
class SimulationSeedsTest {

    private static final long SEEDS = Long.getLong("sim.seeds", 1000);
    private static final int STEPS = Integer.getInteger("sim.steps", 10_000);
    private static final long BASE_SEED = Long.getLong("sim.baseSeed", 0);

    @Test
    void everySeedKeepsEverySafetyPropertyAndRecovers() {
        long start = System.nanoTime();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicLong steps = new AtomicLong();
        AtomicLong elections = new AtomicLong();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong threeNode = new AtomicLong();
        AtomicLong rewritten = new AtomicLong();
        AtomicLong snapshots = new AtomicLong();
        AtomicLong installs = new AtomicLong();
        AtomicLong compactions = new AtomicLong();
        AtomicLong seedsWithInstall = new AtomicLong();
        AtomicLong seedsCompactingOften = new AtomicLong();
        AtomicLong membershipSeeds = new AtomicLong();
        AtomicLong membershipChanges = new AtomicLong();
        AtomicLong configTransitions = new AtomicLong();
        AtomicLong removals = new AtomicLong();
        // histograms of the healed phase, per seed
        Map<Long, Long> healedElections = new ConcurrentHashMap<>();
        Map<Long, Long> healedTerms = new ConcurrentHashMap<>();
        Map<String, Long> failedProperties = new ConcurrentHashMap<>();
        LongStream.range(BASE_SEED, BASE_SEED + SEEDS).parallel().forEach(seed -> {
            SimOptions options = SimOptions.fromSeed(seed, STEPS);
            if (options.nodes() == 3) {
                threeNode.incrementAndGet();
            }
            try {
                Simulation sim = Simulation.swarm(seed, STEPS);
                SimulationResult r = sim.run();
                snapshots.addAndGet(sim.snapshotsTaken());
                installs.addAndGet(sim.snapshotsInstalled());
                compactions.addAndGet(sim.compactions());
                if (sim.snapshotsInstalled() > 0) {
                    seedsWithInstall.incrementAndGet();
                }
                if (sim.compactions() >= 10) {
                    seedsCompactingOften.incrementAndGet();
                }
                if (sim.membershipChanges() > 0) {
                    membershipSeeds.incrementAndGet();
                }
                membershipChanges.addAndGet(sim.membershipChanges());
                configTransitions.addAndGet(sim.configTransitions());
                removals.addAndGet(sim.removedNodes());
                steps.addAndGet(r.steps());
                elections.addAndGet(r.elections());
                acknowledged.addAndGet(r.acknowledged());
                rewritten.addAndGet(r.appendsRewritten());
                healedElections.merge(r.healedElections(), 1L, Long::sum);
                healedTerms.merge(r.healedTermChanges(), 1L, Long::sum);
            } catch (Throwable t) {
                failedProperties.merge(property(t), 1L, Long::sum);
                failures.add("seed " + seed + ": " + t + (t instanceof SafetyViolation ? ""
                        : "\n  replay with trace: " + SafetyViolation.replayCommand(seed, STEPS)));
            }
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("simulator: %d seeds x %d fault steps (%d steps in all incl. recovery), %d with 3 nodes, "
                        + "%d with 5; %d elections, %d client operations acknowledged; %.1f s%n",
                SEEDS, STEPS, steps.get(), threeNode.get(), SEEDS - threeNode.get(), elections.get(),
                acknowledged.get(), seconds);
        System.out.printf("simulator healed phase (heal to convergence), seeds by count: elections %s, term changes %s; "
                + "%d appends rewritten in flight%n", new TreeMap<>(healedElections), new TreeMap<>(healedTerms), rewritten.get());
        System.out.printf("simulator snapshots: %d taken, %d log compactions, %d installed from a leader; %d seeds"
                + " compacted 10 times or more, %d seeds installed a snapshot%n", snapshots.get(), compactions.get(),
                installs.get(), seedsCompactingOften.get(), seedsWithInstall.get());
        System.out.printf("simulator membership: %d seeds changed membership, %d changes proposed, %d configuration"
                + " changes applied and checked, %d removals committed%n", membershipSeeds.get(), membershipChanges.get(),
                configTransitions.get(), removals.get());
        if (!failedProperties.isEmpty()) {
            System.out.printf("simulator failing seeds by property: %s%n", new TreeMap<>(failedProperties));
        }
        assertThat(List.copyOf(failures)).as("failing seeds").isEmpty();
        if (SEEDS >= 200) {
            long runs = healedTerms.values().stream().mapToLong(Long::longValue).sum();
            long termChanges = healedTerms.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
            assertThat((double) termChanges / runs).as("term changes per healed run (unmodified code: 0.18)")
                    .isLessThanOrEqualTo(SimOptions.MAX_MEAN_HEALED_TERM_CHANGES);
        }
        assertThat(acknowledged.get()).as("clients made progress").isGreaterThan(SEEDS * 10);
        assertThat(seedsCompactingOften.get()).as("seeds that compacted their logs 10 times or more")
                .isGreaterThanOrEqualTo(SEEDS * 9 / 10);
        if (SEEDS >= 100) {
            assertThat(membershipSeeds.get()).as("seeds that changed membership").isGreaterThan(SEEDS / 3);
            assertThat(removals.get()).as("removals committed").isGreaterThan(0);
            assertThat(seedsWithInstall.get()).as("seeds in which a follower installed a snapshot").isGreaterThan(0);
        }
    }

    /** The property a failure names (the text before its first colon), or the exception's type. */
    private static String property(Throwable t) {
        String message = String.valueOf(t.getMessage());
        int colon = message.indexOf(':');
        if (t instanceof SafetyViolation && colon > 0 && colon < 40) {
            return message.substring(0, colon);
        }
        return t instanceof SafetyViolation ? message.substring(0, Math.min(30, message.length())) : t.getClass().getSimpleName();
    }

    /** Replays one seed; with {@code -Dsim.trace=true} prints every step. */
    @Test
    void replay() {
        long seed = Long.getLong("sim.seed", BASE_SEED);
        Simulation sim = Simulation.swarm(seed, STEPS);
        if (Boolean.getBoolean("sim.trace")) {
            sim.trace(System.out);
        }
        SimulationResult r = sim.run();
        r.notable().forEach(System.out::println);
        assertThat(r.steps()).isGreaterThanOrEqualTo(STEPS);
    }
}
