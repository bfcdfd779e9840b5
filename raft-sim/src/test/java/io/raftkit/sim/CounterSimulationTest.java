package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.StateMachine;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The example of docs/simulator.md: a user's own state machine run through the simulator. */
class CounterSimulationTest {

    /** A replicated counter: each command adds a number; apply returns the new total. */
    static final class Counter implements StateMachine {
        private long total;

        @Override
        public byte[] apply(long index, byte[] command) {
            total += ByteBuffer.wrap(command).getLong();
            return ByteBuffer.allocate(8).putLong(total).array();
        }

        @Override
        public byte[] query(byte[] query) {
            return ByteBuffer.allocate(8).putLong(total).array();
        }
    }

    @Test
    void counterStaysConsistentUnderEveryFault() {
        for (long seed = 0; seed < 50; seed++) {
            SimulationResult result = Simulation.of(SimOptions.fromSeed(seed, 5_000))
                    .withStateMachine(Counter::new,
                            (random, client, opId) -> ByteBuffer.allocate(8).putLong(1 + random.nextInt(10)).array())
                    .run(); // throws SafetyViolation, naming the seed, if anything goes wrong
            assertThat(result.committed()).isPositive();
        }
    }
}
