package io.raftkit.sim;

/**
 * Runs the simulator from the command line.
 *
 * <pre>
 * java -cp raft-core/target/raft-core-VERSION.jar io.raftkit.sim.SimMain            # a short guided run
 * java -cp ... io.raftkit.sim.SimMain --seed 42 [--steps 10000] [--trace]         # one swarm seed
 * </pre>
 */
public final class SimMain {

    private SimMain() {
    }

    public static void main(String[] args) {
        Long seed = null;
        int steps = 10_000;
        boolean trace = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--trace" -> trace = true;
                default -> {
                    System.err.println("usage: SimMain [--seed N [--steps S] [--trace]]");
                    System.exit(2);
                }
            }
        }
        if (seed != null) {
            runSeed(seed, steps, trace);
        } else {
            tour();
        }
    }

    private static void runSeed(long seed, int steps, boolean trace) {
        Simulation sim = Simulation.swarm(seed, steps);
        if (trace) {
            sim.trace(System.out);
        }
        try {
            SimulationResult r = sim.run();
            r.notable().forEach(System.out::println);
            System.out.printf("seed %d: OK: %d steps, %.1f ms virtual, %d elections, commit index %d, %d client operations acknowledged, linearizable%n",
                    seed, r.steps(), r.virtualMicros() / 1000.0, r.elections(), r.committed(), r.acknowledged());
        } catch (SafetyViolation v) {
            System.out.println(v.getMessage());
            System.exit(1);
        }
    }

    private static void tour() {
        long et = SimOptions.electionTimeoutMicros();
        Simulation sim = Simulation.of(SimOptions.reliable(7, 3));
        sim.start();
        System.out.println("A simulated 3-node raftkit cluster (virtual time, 1 tick = 1 ms, election timeout 10-20 ticks),");
        System.out.println("with 3 clients writing and reading keys through it.");
        String leader = electAndServe(sim, 20 * et);
        sim.crash(leader);
        System.out.printf("%8.1f ms  %s crashes (losing whatever it had not synced)%n", sim.now() / 1000.0, leader);
        electAndServe(sim, 20 * et);
        sim.restart(leader);
        System.out.printf("%8.1f ms  %s restarts from its disk and catches up as a follower%n", sim.now() / 1000.0, leader);
        sim.runFor(10 * et);
        SimulationResult r = sim.finish();
        System.out.printf("%8.1f ms  all replicas agree at commit index %d; %d elections; %d operations; "
                        + "history checked: linearizable%n",
                r.virtualMicros() / 1000.0, r.committed(), r.elections(), r.operations());
        System.out.println("Every Raft safety property was checked after each of the " + r.steps() + " steps.");
    }

    /** Runs until a leader is elected, reports it, then lets clients work for {@code micros}. */
    private static String electAndServe(Simulation sim, long micros) {
        while (sim.leader() == null) {
            sim.runFor(1_000);
        }
        String leader = sim.leader();
        System.out.printf("%8.1f ms  %s is elected leader of term %d%n", sim.now() / 1000.0, leader, sim.term(leader));
        sim.runFor(micros);
        System.out.printf("%8.1f ms  commit index %d, %d client operations acknowledged%n",
                sim.now() / 1000.0, sim.commitIndex(leader), sim.acknowledged());
        return leader;
    }
}
