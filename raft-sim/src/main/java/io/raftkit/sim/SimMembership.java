package io.raftkit.sim;

import java.util.SplittableRandom;

/**
 * Membership changes during the fault phase (issue 13), drawn from the seed apart from
 * {@link SimOptions} and {@link SimServing}, so every option a seed had before stays what it was.
 * With it on, the cluster starts with {@code spares} more nodes that have an empty log (not
 * members yet), and now and then the leader is asked to add a learner, promote one, remove a
 * member, replace the voter set, or hand leadership to another voter.
 *
 * @param on              membership changes happen
 * @param spares          nodes started with an empty log, to be added
 * @param stopRemoved     a removed node is stopped once its removal commits; else it keeps running
 * @param isolateRemoved  share of removals that first cut the node off, so it never learns it was
 *                        removed and its disruption attempts are tested when the network heals
 * @param meanGapTicks    mean ticks between two membership actions
 */
public record SimMembership(boolean on, int spares, boolean stopRemoved, double isolateRemoved, int meanGapTicks) {

    /** No membership changes: the founding members only. */
    public static final SimMembership OFF = new SimMembership(false, 0, false, 0, 0);

    /** Expands a seed into membership options. */
    public static SimMembership fromSeed(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x3e3b_e45cL);
        boolean on = r.nextInt(3) != 0;
        int spares = 1 + r.nextInt(2);
        boolean stop = r.nextBoolean();
        double isolate = r.nextBoolean() ? 0 : 0.5;
        int gap = new int[] {15, 40, 100}[r.nextInt(3)];
        return on ? new SimMembership(true, spares, stop, isolate, gap) : OFF;
    }
}
