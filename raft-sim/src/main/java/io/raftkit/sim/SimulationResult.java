package io.raftkit.sim;

import java.util.List;

/**
 * What a simulated run did, for reports and tests.
 *
 * @param options       the options the seed expanded to
 * @param steps         events processed
 * @param virtualMicros virtual time at the end
 * @param elections     leaders elected
 * @param committed     highest index committed
 * @param acknowledged  client operations acknowledged
 * @param operations    client operations in the checked history
 * @param notable       elections, faults and restarts, in order
 * @param healedElections   leaders elected between the heal of the last fault and convergence
 * @param healedTermChanges how far the highest term rose in that time (failed elections count too)
 * @param appendsRewritten  appends rewritten or added in flight (see {@link SimOptions#appendRewriteRate()})
 */
public record SimulationResult(SimOptions options, long steps, long virtualMicros, long elections,
                               long committed, long acknowledged, int operations, List<String> notable,
                               long healedElections, long healedTermChanges, long appendsRewritten) {
}
