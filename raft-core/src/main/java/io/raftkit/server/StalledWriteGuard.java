package io.raftkit.server;

import io.raftkit.core.FollowerProgress;
import io.raftkit.core.RaftNode;

/**
 * Notices that this leader's own disk has stalled: when the same log write has been outstanding
 * for {@code thresholdTicks} ticks, the leader should stop accepting proposals and hand leadership
 * to its most up-to-date follower (the one with the highest match index, so a follower whose disk
 * stalls too, and so acknowledges nothing, is not chosen). The followers can still commit: the
 * leader's appends leave before its own write is durable. Deterministic; the loop and the
 * simulator call {@link #tick} once per tick.
 *
 * <p>If the transfer does not complete (the core aborts it after an election timeout) and the disk
 * is still stuck, the guard fires again after another {@code thresholdTicks}.
 *
 * <b>Internal</b>: public only so the simulator drives the very code the runtime runs.
 */
public final class StalledWriteGuard {

    private final int thresholdTicks;
    private Object watched;
    private int ticks;

    /** @param thresholdTicks ticks one write may be outstanding; 0 = never step away */
    public StalledWriteGuard(int thresholdTicks) {
        if (thresholdTicks < 0) {
            throw new IllegalArgumentException("thresholdTicks must be >= 0, was " + thresholdTicks);
        }
        this.thresholdTicks = thresholdTicks;
    }

    /**
     * One tick.
     *
     * @param oldestWrite the oldest write not yet durable ({@link ReadyPipeline#oldestPendingWrite()}), or null
     * @return the follower to hand leadership to now, or null
     */
    public String tick(Object oldestWrite, RaftNode node) {
        if (thresholdTicks == 0) {
            return null;
        }
        if (oldestWrite == null || oldestWrite != watched) {
            watched = oldestWrite;
            ticks = 0;
            return null;
        }
        ticks++;
        if (ticks < thresholdTicks || !node.canPropose()) {
            return null; // not stuck long enough, or not leading, or already handing over
        }
        ticks = 0;
        return mostUpToDateFollower(node);
    }

    /** How long the current oldest write has been outstanding, in ticks. */
    public int stalledTicks() {
        return ticks;
    }

    /** The voter other than this node with the highest match index, or null in a single-node cluster. */
    static String mostUpToDateFollower(RaftNode node) {
        String best = null;
        long bestMatch = -1;
        // only an incoming voter may take over: one being removed is refused by the core
        for (String id : node.clusterConfig().voters()) {
            if (id.equals(node.nodeId())) {
                continue;
            }
            FollowerProgress p = node.progress(id);
            long match = p == null ? 0 : p.match();
            if (match > bestMatch || (match == bestMatch && best != null && id.compareTo(best) < 0)) {
                best = id;
                bestMatch = match;
            }
        }
        return best;
    }
}
