package io.raftkit.sim.lin;

/** The verdict of a {@link LinearizabilityChecker} run. */
public enum Outcome {
    /** Every partition of the history has a linearization. */
    LINEARIZABLE,
    /** Some partition has no linearization; the {@link CheckResult} explains which and where. */
    NOT_LINEARIZABLE,
    /** The search budget ran out before a verdict; no violation was found in the part searched. */
    UNKNOWN
}
