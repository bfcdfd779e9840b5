package io.raftkit.server;

import io.raftkit.core.RaftConfig;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.UnknownOutcomeException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RaftServer}, validated once when created, with a message that names the
 * field and says why. Start from {@link #defaults()} and change what you need with the
 * {@code with*} methods.
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code tick}</td><td>10 ms</td><td>the loop's clock resolution: every timeout below is
 *       counted in ticks (rounded up)</td></tr>
 *   <tr><td>{@code electionTimeout}</td><td>1 s</td><td>a follower that hears nothing from a leader
 *       for a random time in [timeout, 2 × timeout) starts an election; a leader that has not heard
 *       from a quorum for one timeout steps down (CheckQuorum)</td></tr>
 *   <tr><td>{@code heartbeatInterval}</td><td>100 ms</td><td>how often an idle leader sends
 *       heartbeats; must be below the election timeout</td></tr>
 *   <tr><td>{@code maxBatchEntries}</td><td>4096</td><td>the most proposals the loop takes in one turn:
 *       they become one storage write and one append per follower (group commit)</td></tr>
 *   <tr><td>{@code maxAppendBytes}</td><td>1 MiB</td><td>the most entry bytes in one append message; also the
 *       largest command {@code submit} accepts; {@link RaftServer#start()} refuses a value whose
 *       largest append the transport cannot carry ({@link io.raftkit.spi.Transport#maxMessageBytes()})</td></tr>
 *   <tr><td>{@code maxInflightAppends}</td><td>256</td><td>appends in flight per follower (the
 *       replication window, in messages) before the leader waits for acknowledgements</td></tr>
 *   <tr><td>{@code maxInflightBytes}</td><td>32 MiB</td><td>the same window in entry bytes (0 = no byte limit)</td></tr>
 *   <tr><td>{@code applyBatchBytes}</td><td>16 MiB</td><td>the most committed-entry bytes handed to the
 *       apply thread in one batch</td></tr>
 *   <tr><td>{@code maxUnappliedBytes}</td><td>64 MiB</td><td>the most committed-entry bytes handed to the
 *       apply thread and not yet applied (apply back-pressure): a node whose state machine falls behind
 *       keeps the rest in the log rather than on the heap; exceeded by at most one entry</td></tr>
 *   <tr><td>{@code maxPendingRequests}</td><td>65,536</td><td>commands and reads accepted but not yet
 *       completed; beyond it requests fail at once with {@link OverloadedException}</td></tr>
 *   <tr><td>{@code maxPendingBytes}</td><td>64 MiB</td><td>the same bound in bytes of commands and queries
 *       (their payloads); at least {@code maxAppendBytes}</td></tr>
 *   <tr><td>{@code requestTimeout}</td><td>10 s</td><td>a command or read not completed by then fails
 *       ({@link UnknownOutcomeException} for a command, {@link java.util.concurrent.TimeoutException}
 *       for a read), counted by a timer of its own, whatever the state machine is doing: a command that
 *       timed out may still be applied later</td></tr>
 *   <tr><td>{@code snapshotThresholdEntries}</td><td>100,000</td><td>a snapshot is taken once this many
 *       entries were applied since the last one (or {@code snapshotThresholdBytes} of them)</td></tr>
 *   <tr><td>{@code snapshotThresholdBytes}</td><td>256 MiB</td><td>the same in entry bytes</td></tr>
 *   <tr><td>{@code compactionMarginEntries}</td><td>5,000</td><td>entries kept in the log before a
 *       snapshot's index when the log is compacted, so a follower slightly behind catches up from the log</td></tr>
 *   <tr><td>{@code snapshotChunkBytes}</td><td>1 MiB</td><td>the most snapshot bytes in one message to a
 *       follower that installs a snapshot (smaller if the transport cannot carry it)</td></tr>
 *   <tr><td>{@code snapshotChunksInFlight}</td><td>4</td><td>chunks sent to one follower and not yet
 *       acknowledged</td></tr>
 *   <tr><td>{@code installMaxBytesPerSecond}</td><td>128 MiB</td><td>the leader's rate limit for all
 *       snapshot transfers together, so catching one node up does not starve replication (0 = none)</td></tr>
 *   <tr><td>{@code maxPromotionLag}</td><td>1,000</td><td>entries a learner may lag the leader's
 *       last index by and still be promoted to voter ({@link RaftServer#promote})</td></tr>
 *   <tr><td>{@code preVote}, {@code checkQuorum}</td><td>on</td><td>thesis §9.6: a rejoining node cannot
 *       disrupt a healthy leader; a leader that lost its quorum steps down</td></tr>
 * </table>
 */
public record ServerConfig(Duration tick, Duration electionTimeout, Duration heartbeatInterval,
                           int maxBatchEntries, long maxAppendBytes, int maxInflightAppends,
                           long maxInflightBytes, long applyBatchBytes, int maxPendingRequests,
                           long maxPendingBytes, Duration requestTimeout, boolean preVote, boolean checkQuorum,
                           long maxUnappliedBytes, long snapshotThresholdEntries, long snapshotThresholdBytes,
                           long compactionMarginEntries, int snapshotChunkBytes, int snapshotChunksInFlight,
                           long installMaxBytesPerSecond, long maxPromotionLag) {

    public ServerConfig {
        requirePositive("tick", tick);
        requirePositive("electionTimeout", electionTimeout);
        requirePositive("heartbeatInterval", heartbeatInterval);
        requirePositive("requestTimeout", requestTimeout);
        if (tick.toNanos() < 1_000_000) {
            throw new IllegalArgumentException("tick must be at least 1 ms, was " + tick);
        }
        if (heartbeatInterval.compareTo(tick) < 0) {
            throw new IllegalArgumentException("heartbeatInterval (" + heartbeatInterval
                    + ") must be at least one tick (" + tick + ")");
        }
        if (ticks(electionTimeout, tick) <= ticks(heartbeatInterval, tick)) {
            throw new IllegalArgumentException("electionTimeout (" + electionTimeout
                    + ") must be longer than heartbeatInterval (" + heartbeatInterval + ") by at least one tick ("
                    + tick + ")");
        }
        if (maxBatchEntries < 1) {
            throw new IllegalArgumentException("maxBatchEntries must be >= 1, was " + maxBatchEntries);
        }
        if (maxAppendBytes < 1) {
            throw new IllegalArgumentException("maxAppendBytes must be >= 1, was " + maxAppendBytes);
        }
        if (maxInflightAppends < 1) {
            throw new IllegalArgumentException("maxInflightAppends must be >= 1, was " + maxInflightAppends);
        }
        if (maxInflightBytes < 0) {
            throw new IllegalArgumentException("maxInflightBytes must be >= 0 (0 = no limit), was " + maxInflightBytes);
        }
        if (applyBatchBytes < 1) {
            throw new IllegalArgumentException("applyBatchBytes must be >= 1, was " + applyBatchBytes);
        }
        if (maxUnappliedBytes < 1) {
            throw new IllegalArgumentException("maxUnappliedBytes must be >= 1, was " + maxUnappliedBytes);
        }
        if (snapshotThresholdEntries < 1) {
            throw new IllegalArgumentException("snapshotThresholdEntries must be >= 1, was " + snapshotThresholdEntries);
        }
        if (snapshotThresholdBytes < 1) {
            throw new IllegalArgumentException("snapshotThresholdBytes must be >= 1, was " + snapshotThresholdBytes);
        }
        if (compactionMarginEntries < 0) {
            throw new IllegalArgumentException("compactionMarginEntries must be >= 0, was " + compactionMarginEntries);
        }
        if (snapshotChunkBytes < 1) {
            throw new IllegalArgumentException("snapshotChunkBytes must be >= 1, was " + snapshotChunkBytes);
        }
        if (snapshotChunksInFlight < 1) {
            throw new IllegalArgumentException("snapshotChunksInFlight must be >= 1, was " + snapshotChunksInFlight);
        }
        if (installMaxBytesPerSecond < 0) {
            throw new IllegalArgumentException("installMaxBytesPerSecond must be >= 0 (0 = no limit), was "
                    + installMaxBytesPerSecond);
        }
        if (installMaxBytesPerSecond > 0 && bytesPerTick(installMaxBytesPerSecond, tick) < 1) {
            throw new IllegalArgumentException("installMaxBytesPerSecond (" + installMaxBytesPerSecond
                    + ") is below one byte per tick (" + tick + ")");
        }
        if (maxPromotionLag < 0) {
            throw new IllegalArgumentException("maxPromotionLag must be >= 0, was " + maxPromotionLag);
        }
        if (maxPendingRequests < 1) {
            throw new IllegalArgumentException("maxPendingRequests must be >= 1, was " + maxPendingRequests);
        }
        if (maxPendingBytes < maxAppendBytes) {
            throw new IllegalArgumentException("maxPendingBytes (" + maxPendingBytes + ") must be at least"
                    + " maxAppendBytes (" + maxAppendBytes + "), or a command of the largest allowed size could"
                    + " never be accepted");
        }
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name + " must not be null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }

    private static int ticks(Duration d, Duration tick) {
        long n = (d.toNanos() + tick.toNanos() - 1) / tick.toNanos();
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /** The defaults in the table above. */
    public static ServerConfig defaults() {
        return new ServerConfig(Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofMillis(100),
                4096, 1 << 20, 256, 32L << 20, 16L << 20, 65_536, 64L << 20, Duration.ofSeconds(10), true, true,
                64L << 20, 100_000, 256L << 20, 5_000, 1 << 20, 4, 128L << 20, 1_000);
    }

    private static long bytesPerTick(long perSecond, Duration tick) {
        return (long) ((double) perSecond * tick.toNanos() / 1_000_000_000L);
    }

    /**
     * How far a learner may lag the leader's last index, in entries, and still be promoted to
     * voter: {@link RaftServer#promote} fails while it lags more, since a voter that far behind
     * would hold back commits (and, in a small cluster, availability) until it caught up.
     */
    public ServerConfig withMaxPromotionLag(long value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, value);
    }

    /** The election timeout in ticks, as the core counts it. */
    public int electionTicks() {
        return ticks(electionTimeout, tick);
    }

    /** The heartbeat interval in ticks, as the core counts it. */
    public int heartbeatTicks() {
        return ticks(heartbeatInterval, tick);
    }

    /** The core's settings for node {@code id}. */
    RaftConfig toRaftConfig(String id) {
        return new RaftConfig(id, electionTicks(), heartbeatTicks(), maxAppendBytes, maxInflightAppends,
                maxInflightBytes, applyBatchBytes, preVote, checkQuorum, maxUnappliedBytes, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond == 0 ? 0 : bytesPerTick(installMaxBytesPerSecond, tick));
    }

    public ServerConfig withTick(Duration value) {
        return new ServerConfig(value, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withElectionTimeout(Duration value) {
        return new ServerConfig(tick, value, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withHeartbeatInterval(Duration value) {
        return new ServerConfig(tick, electionTimeout, value, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    /** Election timeout and heartbeat interval together (e.g. short ones for tests). */
    public ServerConfig withTimeouts(Duration election, Duration heartbeat) {
        return new ServerConfig(tick, election, heartbeat, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withMaxBatchEntries(int value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, value, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withMaxAppendBytes(long value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, value,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withInflightWindow(int appends, long bytes) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                appends, bytes, applyBatchBytes, maxPendingRequests, maxPendingBytes, requestTimeout, preVote,
                checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withApplyBatchBytes(long value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, value, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withMaxPendingRequests(int value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, value, maxPendingBytes, requestTimeout,
                preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withMaxPendingBytes(long value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, value, requestTimeout,
                preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withRequestTimeout(Duration value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes, value,
                preVote, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withPreVote(boolean value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, value, checkQuorum, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withCheckQuorum(boolean value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, value, maxUnappliedBytes,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    public ServerConfig withMaxUnappliedBytes(long value) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, value,
                snapshotThresholdEntries, snapshotThresholdBytes, compactionMarginEntries, snapshotChunkBytes,
                snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    /**
     * When to snapshot: after {@code entries} log entries or {@code bytes} of them since the last
     * snapshot, whichever comes first; then the log is compacted keeping {@code marginEntries}
     * entries before the snapshot.
     */
    public ServerConfig withSnapshotPolicy(long entries, long bytes, long marginEntries) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes, entries, bytes, marginEntries,
                snapshotChunkBytes, snapshotChunksInFlight, installMaxBytesPerSecond, maxPromotionLag);
    }

    /** How snapshots are sent to a follower: chunk size, chunks in flight, and the rate limit (0 = none). */
    public ServerConfig withSnapshotTransfer(int chunkBytes, int chunksInFlight, long maxBytesPerSecond) {
        return new ServerConfig(tick, electionTimeout, heartbeatInterval, maxBatchEntries, maxAppendBytes,
                maxInflightAppends, maxInflightBytes, applyBatchBytes, maxPendingRequests, maxPendingBytes,
                requestTimeout, preVote, checkQuorum, maxUnappliedBytes, snapshotThresholdEntries,
                snapshotThresholdBytes, compactionMarginEntries, chunkBytes, chunksInFlight, maxBytesPerSecond, maxPromotionLag);
    }
}
