package io.raftkit.server;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RaftServer} serves requests that reach a node other than the leader, how far it
 * trusts clocks, and when a leader whose disk has stalled steps away. Validated once, naming the
 * field. Kept apart from {@link ServerConfig} (the Raft and resource settings).
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code forwarding}</td><td>on</td><td>{@code submit} and {@code query} on a follower are
 *       sent to the leader over the Raft transport; off: they fail at once with a
 *       {@link NotLeaderException} naming the leader</td></tr>
 *   <tr><td>{@code maxForwardedPerFollower}</td><td>4096</td><td>requests one follower may have in flight
 *       at the leader; beyond it they fail with {@link OverloadedException}</td></tr>
 *   <tr><td>{@code clockDriftBound}</td><td>100 ms</td><td>how much faster a node's clock may run than
 *       another's over one election timeout. A leader's lease (LEASE reads) lasts the election timeout
 *       minus this bound minus two ticks from the heartbeat round a quorum acknowledged; a zero or negative
 *       remainder turns lease reads into ReadIndex reads. LEASE reads are only as safe as this bound is
 *       true</td></tr>
 *   <tr><td>{@code stepDownOnStalledWriteAfter}</td><td>2 s</td><td>a leader whose oldest log write has
 *       been outstanding this long stops accepting proposals and hands leadership to its most up-to-date
 *       follower; {@link Duration#ZERO} turns this off</td></tr>
 * </table>
 */
public record ServingConfig(boolean forwarding, int maxForwardedPerFollower, Duration clockDriftBound,
                            Duration stepDownOnStalledWriteAfter) {

    public ServingConfig {
        if (maxForwardedPerFollower < 1) {
            throw new IllegalArgumentException("maxForwardedPerFollower must be >= 1, was " + maxForwardedPerFollower);
        }
        Objects.requireNonNull(clockDriftBound, "clockDriftBound must not be null");
        Objects.requireNonNull(stepDownOnStalledWriteAfter, "stepDownOnStalledWriteAfter must not be null");
        if (clockDriftBound.isNegative()) {
            throw new IllegalArgumentException("clockDriftBound must be >= 0, was " + clockDriftBound);
        }
        if (stepDownOnStalledWriteAfter.isNegative()) {
            throw new IllegalArgumentException("stepDownOnStalledWriteAfter must be >= 0 (0 = off), was "
                    + stepDownOnStalledWriteAfter);
        }
    }

    /** The defaults in the table above. */
    public static ServingConfig defaults() {
        return new ServingConfig(true, 4096, Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    public ServingConfig withForwarding(boolean value) {
        return new ServingConfig(value, maxForwardedPerFollower, clockDriftBound, stepDownOnStalledWriteAfter);
    }

    public ServingConfig withMaxForwardedPerFollower(int value) {
        return new ServingConfig(forwarding, value, clockDriftBound, stepDownOnStalledWriteAfter);
    }

    public ServingConfig withClockDriftBound(Duration value) {
        return new ServingConfig(forwarding, maxForwardedPerFollower, value, stepDownOnStalledWriteAfter);
    }

    public ServingConfig withStepDownOnStalledWriteAfter(Duration value) {
        return new ServingConfig(forwarding, maxForwardedPerFollower, clockDriftBound, value);
    }

    /** The lease in ticks for an election timeout of {@code electionTicks} ticks of {@code tick}; 0 = no lease. */
    int leaseTicks(int electionTicks, Duration tick) {
        long drift = (clockDriftBound.toNanos() + tick.toNanos() - 1) / tick.toNanos();
        return (int) Math.max(0, electionTicks - drift - 2);
    }

    /** Ticks of {@code tick} a write may be outstanding before a leader steps away; 0 = never. */
    int stalledWriteTicks(Duration tick) {
        long n = (stepDownOnStalledWriteAfter.toNanos() + tick.toNanos() - 1) / tick.toNanos();
        return (int) Math.min(Integer.MAX_VALUE, n);
    }
}
