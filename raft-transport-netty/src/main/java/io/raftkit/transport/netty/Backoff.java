package io.raftkit.transport.netty;

import java.util.function.DoubleSupplier;

/**
 * Capped exponential backoff with jitter: the n-th consecutive failure waits
 * {@code min(max, min * 2^(n-1))}, scaled by a random factor in [0.5, 1) so that the nodes of a
 * cluster that lost a peer at the same moment do not all knock on its door at the same moment.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private final DoubleSupplier random;

    /** @param random uniform in [0, 1), e.g. {@code ThreadLocalRandom.current()::nextDouble} */
    Backoff(long minMillis, long maxMillis, DoubleSupplier random) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** Delay before the next attempt after {@code failures} consecutive failures (0: none). */
    long delayMillis(int failures) {
        if (failures <= 0) {
            return 0;
        }
        int doublings = Math.min(failures - 1, 30);
        long ceiling = Math.min(maxMillis, minMillis << doublings);
        if (ceiling < 0) {
            ceiling = maxMillis;
        }
        return (long) (ceiling * (0.5 + random.getAsDouble() / 2));
    }
}
