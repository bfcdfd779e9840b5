package io.raftkit.sim;

/**
 * A safety property failed in a simulated run. The message names the property, the state that
 * broke it, the seed, and the command that replays the run step by step.
 */
public class SafetyViolation extends AssertionError {

    private final long seed;

    public SafetyViolation(long seed, long steps, long step, String message) {
        super(message + " [seed " + seed + ", step " + step + "]\n  replay with trace: " + replayCommand(seed, steps));
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** A one-line command that replays {@code seed} with a step-by-step trace. */
    public static String replayCommand(long seed, long steps) {
        return "./mvnw -q -pl raft-sim -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=SimulationSeedsTest#replay -Dsim.seed=" + seed
                + " -Dsim.steps=" + steps + " -Dsim.trace=true";
    }
}
