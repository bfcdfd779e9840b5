package io.raftkit.sim;

import java.util.SplittableRandom;

/**
 * How the simulated clients are served (issue 11), drawn from the seed apart from
 * {@link SimOptions} so every option a seed had before stays what it was.
 *
 * @param anyNode       clients send to any node, which forwards commands and asks the leader for
 *                      read indexes ({@code io.raftkit.server.RequestRouter}, {@code ForwardServer});
 *                      off: a follower redirects the client to the leader
 * @param leaseShare    share of reads asking for LEASE consistency (then leases are on, clock skew
 *                      stays inside the drift bound, and nodes do not pause: a pause is unbounded drift)
 * @param localShare    share of reads asking for LOCAL consistency (checked for per-node monotonicity,
 *                      not linearizability)
 * @param stalledDisks  a node's disk stalls now and then: its writes complete only after a while
 */
public record SimServing(boolean anyNode, double leaseShare, double localShare, boolean stalledDisks) {

    /** Lease length in ticks: the election timeout (10) minus a drift bound of 3 ticks minus 2 ticks of phase. */
    public static final int LEASE_TICKS = SimOptions.ELECTION_TICKS - 3 - 2;
    /** With leases on, clocks run at 1 +/- this: {@code (LEASE_TICKS + 1) * 1.1 < (ELECTION_TICKS - 1) * 0.9}. */
    public static final double LEASE_SKEW = 0.1;

    /** Ticks one log write may be outstanding before a leader steps away (the runtime's default is 2 s). */
    public static final int STALLED_WRITE_TICKS = SimOptions.ELECTION_TICKS / 2;

    /**
     * The most a batch of forwarded commands, reads or answers weighs here: small (about a dozen
     * commands), so that busy turns split their batches and the split is exercised too.
     */
    public static final long MAX_BATCH_BYTES = 1024;

    /** Serving as before issue 11: only the leader serves, reads are linearizable, disks never stall. */
    public static final SimServing LEADER_ONLY = new SimServing(false, 0, 0, false);

    /** Expands a seed into serving options. */
    public static SimServing fromSeed(long seed) {
        SplittableRandom r = new SplittableRandom(seed ^ 0xa11_0de5L);
        boolean anyNode = r.nextInt(4) != 0;
        double lease = r.nextBoolean() ? 0 : pick(r, 0.3, 0.7);
        double local = r.nextBoolean() ? 0 : pick(r, 0.2, 0.5);
        boolean stalls = r.nextInt(3) == 0;
        return new SimServing(anyNode, lease, local, stalls);
    }

    public boolean leases() {
        return leaseShare > 0;
    }

    private static double pick(SplittableRandom r, double... values) {
        return values[r.nextInt(values.length)];
    }
}
