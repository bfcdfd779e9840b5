package io.raftkit.sim;

import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * The randomness a simulated {@code RaftNode} draws its election timeouts from: the seed's, unless
 * a scenario asks for the minimum timeout (a draw of 0), which stages the fastest election the
 * configuration allows. The seed's draws are taken either way, so turning it on changes no other
 * draw of the run.
 */
final class ElectionTimeoutRandom implements RandomGenerator {

    private final Random seeded;
    private final BooleanSupplier minimum;

    ElectionTimeoutRandom(long seed, BooleanSupplier minimum) {
        this.seeded = new Random(seed);
        this.minimum = minimum;
    }

    @Override
    public long nextLong() {
        long value = seeded.nextLong();
        return minimum.getAsBoolean() ? 0 : value;
    }

    @Override
    public int nextInt(int bound) {
        int value = seeded.nextInt(bound);
        return minimum.getAsBoolean() ? 0 : value;
    }
}
