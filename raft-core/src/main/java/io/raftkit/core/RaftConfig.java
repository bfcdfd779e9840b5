package io.raftkit.core;

import java.util.Objects;

/**
 * Settings of the pure core, in ticks and bytes. Validated once, here, with a message that names
 * the field.
 *
 * @param nodeId             this node's id
 * @param electionTicks      ticks without hearing from a leader before a follower campaigns;
 *                           the actual timeout is randomized in [electionTicks, 2 * electionTicks)
 * @param heartbeatTicks     ticks between a leader's heartbeats; must be less than electionTicks
 * @param maxSizePerMsg      upper bound on the entry bytes of one append message
 * @param maxInflightMsgs    appends in flight per follower before the leader waits for acknowledgements
 * @param maxInflightBytes   entry bytes in flight per follower before the leader waits (0 = no byte limit)
 * @param maxApplyBytes      upper bound on the entry bytes of committed entries in one Ready
 * @param preVote            run a PreVote round before an election (thesis §9.6)
 * @param checkQuorum        a leader steps down when it has not heard from a quorum for an election timeout
 * @param maxUnappliedBytes  upper bound on the entry bytes of committed entries handed out in Readies but
 *                           not yet reported applied with {@link RaftNode#appliedTo(long)}; beyond it the
 *                           core holds committed entries back until the host reports progress (apply
 *                           back-pressure). It may be exceeded by one entry, since at least one entry is
 *                           always handed out when nothing is outstanding. 0 = no bound, and the host need
 *                           not report applied progress
 * @param snapshotChunkBytes      the most snapshot bytes in one {@code SnapshotChunk} (InstallSnapshot)
 * @param snapshotChunksInFlight  snapshot chunks sent to one follower and not yet acknowledged before
 *                                the leader waits
 * @param snapshotBytesPerTick    the leader's rate limit for all snapshot transfers together, in bytes
 *                                per tick (a token bucket refilled by {@link RaftNode#tick()}, holding at
 *                                most one chunk or one tick's worth); 0 = no limit
 */
public record RaftConfig(String nodeId, int electionTicks, int heartbeatTicks, long maxSizePerMsg,
                         int maxInflightMsgs, long maxInflightBytes, long maxApplyBytes,
                         boolean preVote, boolean checkQuorum, long maxUnappliedBytes,
                         int snapshotChunkBytes, int snapshotChunksInFlight, long snapshotBytesPerTick) {

    /** Default {@link #snapshotChunkBytes()}: 256 KiB. */
    public static final int DEFAULT_SNAPSHOT_CHUNK_BYTES = 256 << 10;
    /** Default {@link #snapshotChunksInFlight()}. */
    public static final int DEFAULT_SNAPSHOT_CHUNKS_IN_FLIGHT = 4;

    /** Settings with the default snapshot transfer (256 KiB chunks, 4 in flight, no rate limit). */
    public RaftConfig(String nodeId, int electionTicks, int heartbeatTicks, long maxSizePerMsg, int maxInflightMsgs,
                      long maxInflightBytes, long maxApplyBytes, boolean preVote, boolean checkQuorum,
                      long maxUnappliedBytes) {
        this(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes, maxApplyBytes,
                preVote, checkQuorum, maxUnappliedBytes, DEFAULT_SNAPSHOT_CHUNK_BYTES,
                DEFAULT_SNAPSHOT_CHUNKS_IN_FLIGHT, 0);
    }

    /** Settings without a bound on committed-but-unapplied bytes (see {@link #maxUnappliedBytes()}). */
    public RaftConfig(String nodeId, int electionTicks, int heartbeatTicks, long maxSizePerMsg, int maxInflightMsgs,
                      long maxInflightBytes, long maxApplyBytes, boolean preVote, boolean checkQuorum) {
        this(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes, maxApplyBytes,
                preVote, checkQuorum, 0);
    }

    public RaftConfig {
        Objects.requireNonNull(nodeId, "nodeId must not be null");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
        if (heartbeatTicks < 1) {
            throw new IllegalArgumentException("heartbeatTicks must be >= 1, was " + heartbeatTicks);
        }
        if (electionTicks <= heartbeatTicks) {
            throw new IllegalArgumentException("electionTicks (" + electionTicks
                    + ") must be greater than heartbeatTicks (" + heartbeatTicks + ")");
        }
        if (maxSizePerMsg < 1) {
            throw new IllegalArgumentException("maxSizePerMsg must be >= 1, was " + maxSizePerMsg);
        }
        if (maxInflightMsgs < 1) {
            throw new IllegalArgumentException("maxInflightMsgs must be >= 1, was " + maxInflightMsgs);
        }
        if (maxInflightBytes < 0) {
            throw new IllegalArgumentException("maxInflightBytes must be >= 0, was " + maxInflightBytes);
        }
        if (maxApplyBytes < 1) {
            throw new IllegalArgumentException("maxApplyBytes must be >= 1, was " + maxApplyBytes);
        }
        if (maxUnappliedBytes < 0) {
            throw new IllegalArgumentException("maxUnappliedBytes must be >= 0 (0 = no bound), was " + maxUnappliedBytes);
        }
        if (snapshotChunkBytes < 1) {
            throw new IllegalArgumentException("snapshotChunkBytes must be >= 1, was " + snapshotChunkBytes);
        }
        if (snapshotChunksInFlight < 1) {
            throw new IllegalArgumentException("snapshotChunksInFlight must be >= 1, was " + snapshotChunksInFlight);
        }
        if (snapshotBytesPerTick < 0) {
            throw new IllegalArgumentException("snapshotBytesPerTick must be >= 0 (0 = no limit), was "
                    + snapshotBytesPerTick);
        }
    }

    /**
     * Defaults: election after 10 ticks, heartbeat every tick, 1 MiB per append, 256 appends or
     * 32 MiB in flight per follower, 64 MiB of entries per apply batch, PreVote and CheckQuorum on, no bound on unapplied bytes.
     */
    public static RaftConfig defaults(String nodeId) {
        return new RaftConfig(nodeId, 10, 1, 1 << 20, 256, 32L << 20, 64L << 20, true, true);
    }

    public RaftConfig withElectionTicks(int ticks) {
        return new RaftConfig(nodeId, ticks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, preVote, checkQuorum, maxUnappliedBytes, snapshotChunkBytes,
                snapshotChunksInFlight, snapshotBytesPerTick);
    }

    public RaftConfig withHeartbeatTicks(int ticks) {
        return new RaftConfig(nodeId, electionTicks, ticks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, preVote, checkQuorum, maxUnappliedBytes, snapshotChunkBytes,
                snapshotChunksInFlight, snapshotBytesPerTick);
    }

    public RaftConfig withPreVote(boolean on) {
        return new RaftConfig(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, on, checkQuorum, maxUnappliedBytes, snapshotChunkBytes, snapshotChunksInFlight,
                snapshotBytesPerTick);
    }

    public RaftConfig withCheckQuorum(boolean on) {
        return new RaftConfig(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, preVote, on, maxUnappliedBytes, snapshotChunkBytes, snapshotChunksInFlight,
                snapshotBytesPerTick);
    }

    public RaftConfig withMaxSizePerMsg(long bytes) {
        return new RaftConfig(nodeId, electionTicks, heartbeatTicks, bytes, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, preVote, checkQuorum, maxUnappliedBytes, snapshotChunkBytes,
                snapshotChunksInFlight, snapshotBytesPerTick);
    }

    public RaftConfig withMaxInflight(int msgs, long bytes) {
        return new RaftConfig(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, msgs, bytes,
                maxApplyBytes, preVote, checkQuorum, maxUnappliedBytes, snapshotChunkBytes,
                snapshotChunksInFlight, snapshotBytesPerTick);
    }

    /** The same settings with a bound on committed-but-unapplied bytes (0 = none). */
    public RaftConfig withMaxUnappliedBytes(long bytes) {
        return new RaftConfig(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, preVote, checkQuorum, bytes, snapshotChunkBytes, snapshotChunksInFlight,
                snapshotBytesPerTick);
    }

    /** The same settings with another snapshot transfer: chunk size, chunks in flight, bytes per tick (0 = no limit). */
    public RaftConfig withSnapshotTransfer(int chunkBytes, int chunksInFlight, long bytesPerTick) {
        return new RaftConfig(nodeId, electionTicks, heartbeatTicks, maxSizePerMsg, maxInflightMsgs, maxInflightBytes,
                maxApplyBytes, preVote, checkQuorum, maxUnappliedBytes, chunkBytes, chunksInFlight, bytesPerTick);
    }
}
