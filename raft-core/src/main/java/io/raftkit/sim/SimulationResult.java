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
 */
public record SimulationResult(SimOptions options, long steps, long virtualMicros, long elections,
                               long committed, long acknowledged, int operations, List<String> notable) {
}
