package io.raftkit.core.tracker;

import io.raftkit.core.SnapshotInfo;

/**
 * The leader's view of one follower (etcd's design): how far its log matches ours, where to
 * send next, and how fast we may send.
 *
 * <ul>
 *   <li>{@link State#PROBE}: we do not know where the follower's log diverges; send one append
 *       at a time and wait for the answer (or a heartbeat response) before the next.</li>
 *   <li>{@link State#REPLICATE}: the follower is in step; stream appends optimistically, as
 *       many as the in-flight window allows.</li>
 *   <li>{@link State#SNAPSHOT}: the follower needs a snapshot; send nothing else until it is in.
 *       The snapshot streams in chunks: {@link #snapshotSentOffset()} is where the next chunk
 *       starts, {@link #snapshotAckedOffset()} what the follower confirmed, and at most a window
 *       of chunks is unacknowledged.</li>
 * </ul>
 * Transitions happen only through the {@code become*} methods, so the rules live here.
 */
public final class Progress {

    /** The replication state of a follower. */
    public enum State { PROBE, REPLICATE, SNAPSHOT }

    private long match;
    private long next;
    private State state = State.PROBE;
    private boolean probeSent;
    private long pendingSnapshot;
    private SnapshotInfo snapshot;
    private long snapshotSentOffset;
    private long snapshotAckedOffset;
    private int snapshotChunksInFlight;
    private boolean snapshotLastSent;
    private int snapshotIdleTicks;
    private boolean recentActive;
    private final Inflights inflights;

    public Progress(long next, int maxInflightMsgs, long maxInflightBytes) {
        this.next = next;
        this.inflights = new Inflights(maxInflightMsgs, maxInflightBytes);
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public State state() {
        return state;
    }

    public Inflights inflights() {
        return inflights;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean active) {
        this.recentActive = active;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    /** Back to probing, from the index after what we know matches. */
    public void becomeProbe() {
        if (state == State.SNAPSHOT) {
            long snap = pendingSnapshot;
            resetState(State.PROBE);
            next = Math.max(match + 1, snap + 1);
        } else {
            resetState(State.PROBE);
            next = match + 1;
        }
    }

    /** Stream appends from the index after the match. */
    public void becomeReplicate() {
        resetState(State.REPLICATE);
        next = match + 1;
    }

    /** Send {@code snap} from its start and wait for it to be installed. */
    public void becomeSnapshot(SnapshotInfo snap) {
        resetState(State.SNAPSHOT);
        pendingSnapshot = snap.index();
        snapshot = snap;
    }

    /** The snapshot being sent (in SNAPSHOT state), else null. */
    public SnapshotInfo snapshot() {
        return snapshot;
    }

    /** Where the next chunk starts. */
    public long snapshotSentOffset() {
        return snapshotSentOffset;
    }

    /** The offset the follower last said it wants next: the bytes it holds. */
    public long snapshotAckedOffset() {
        return snapshotAckedOffset;
    }

    public int snapshotChunksInFlight() {
        return snapshotChunksInFlight;
    }

    /** Whether another chunk may go now, given the window of {@code maxInFlight} chunks. */
    public boolean canSendChunk(int maxInFlight) {
        return state == State.SNAPSHOT && !snapshotLastSent && snapshotChunksInFlight < maxInFlight;
    }

    /** A chunk of {@code length} bytes at the sent offset left. */
    public void sentChunk(int length) {
        snapshotSentOffset += length;
        snapshotChunksInFlight++;
        snapshotLastSent = snapshotSentOffset >= snapshot.sizeBytes();
    }

    /**
     * The follower wants {@code nextOffset} next (a cumulative acknowledgement, like TCP's). Ahead
     * of what it confirmed: chunks arrived, the window opens. Back at 0 after it confirmed more:
     * it lost what it had (it restarted), so the transfer starts over. The same offset again while
     * later chunks are out: a later chunk arrived first, and the follower, which keeps only what
     * continues its snapshot, dropped it; so everything is sent again from that offset (go-back-N).
     * Anything else is an old answer, ignored; a chunk lost at the end of the window is found by
     * {@link #snapshotTick}.
     */
    public void snapshotAcked(long nextOffset, int chunkBytes) {
        snapshotIdleTicks = 0;
        if (nextOffset > snapshotAckedOffset) {
            snapshotAckedOffset = Math.min(nextOffset, snapshot.sizeBytes());
            if (snapshotAckedOffset > snapshotSentOffset) {
                snapshotSentOffset = snapshotAckedOffset;
                snapshotLastSent = false;
            }
            snapshotChunksInFlight = (int) ((snapshotSentOffset - snapshotAckedOffset + chunkBytes - 1) / chunkBytes);
        } else if (nextOffset == 0 && snapshotAckedOffset > 0) {
            rewindSnapshot(0);
        } else if (nextOffset == snapshotAckedOffset && snapshotSentOffset > nextOffset) {
            rewindSnapshot(nextOffset);
        }
    }

    /**
     * A tick passed in SNAPSHOT state.
     *
     * @return true if nothing was heard for {@code retryTicks} while chunks were unacknowledged: they
     *         are taken as lost and sent again from what the follower confirmed
     */
    public boolean snapshotTick(int retryTicks) {
        if (snapshotChunksInFlight == 0) {
            snapshotIdleTicks = 0;
            return false;
        }
        if (++snapshotIdleTicks < retryTicks) {
            return false;
        }
        rewindSnapshot(snapshotAckedOffset);
        return true;
    }

    private void rewindSnapshot(long offset) {
        snapshotAckedOffset = offset;
        snapshotSentOffset = offset;
        snapshotChunksInFlight = 0;
        snapshotLastSent = false;
        snapshotIdleTicks = 0;
    }

    private void resetState(State newState) {
        probeSent = false;
        pendingSnapshot = 0;
        snapshot = null;
        snapshotSentOffset = 0;
        snapshotAckedOffset = 0;
        snapshotChunksInFlight = 0;
        snapshotLastSent = false;
        snapshotIdleTicks = 0;
        state = newState;
        inflights.reset();
    }

    /**
     * The follower acknowledged entries up to {@code index}.
     *
     * @return false if the acknowledgement is stale (nothing new)
     */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        return updated;
    }

    /**
     * The follower rejected an append whose previous index was {@code rejected}; it suggests
     * probing from {@code matchHint}.
     *
     * @return false if the rejection is stale and must be ignored
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == State.REPLICATE) {
            // a rejection at or below what already matched is from an older, reordered append
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        // in probe state only the answer to the append we are waiting for counts
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** Whether we must wait before sending another append. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    /**
     * An append carrying {@code count} entries ending at {@code lastIndex} and {@code bytes}
     * bytes was sent.
     */
    public void sentEntries(int count, long lastIndex, long bytes) {
        if (state == State.REPLICATE) {
            if (count > 0) {
                next = lastIndex + 1;
                inflights.add(lastIndex, bytes);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
        }
    }

    /** A heartbeat response arrived: the follower is alive, so a paused probe may resume. */
    public void heartbeatAcknowledged() {
        probeSent = false;
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + " inflight=" + inflights.count()
                + (probeSent ? " paused" : "") + (pendingSnapshot > 0 ? " snap=" + pendingSnapshot + " sent=" + snapshotSentOffset + " acked="
                + snapshotAckedOffset : "");
    }
}
