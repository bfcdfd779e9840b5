package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The simulator runs the runtime's {@code ReadyPipeline} with storage completion callbacks as
 * events of their own, so both sides of the early-send race happen: the callback sends a write's
 * acknowledgements, or the loop releases the write first and sends them itself.
 */
class SimulationHostTest {

    @Test
    void bothTheCallbackAndTheLoopWinTheRaceToSendAcrossSeeds() {
        long byCallback = 0;
        long atRelease = 0;
        for (long seed = 0; seed < 10; seed++) {
            Simulation sim = Simulation.of(SimOptions.fromSeed(seed, 2_000));
            sim.run();
            byCallback += sim.sentByCallback();
            atRelease += sim.sentAtRelease();
        }
        assertThat(byCallback).as("writes whose acknowledgements the completion callback sent").isPositive();
        assertThat(atRelease).as("writes the loop released before their callback ran").isPositive();
        System.out.printf("sim host: %d writes sent by the callback, %d at the loop's release%n", byCallback, atRelease);
    }
}
