package io.raftkit.sim;

import java.util.SplittableRandom;

/**
 * Everything that shapes one simulated run. {@link #fromSeed} expands a single seed into a set
 * of options (swarm testing: each seed turns each fault family on or off and picks its rates),
 * so the seed alone replays the run exactly.
 *
 * @param seed                the seed everything derives from
 * @param nodes               cluster size (3 or 5)
 * @param steps               events to process in the fault phase
 * @param clients             concurrent clients
 * @param keys                keys the clients use
 * @param readFraction        share of client operations that are reads (through ReadIndex)
 * @param lossRate            probability a message is lost
 * @param duplicateRate       probability a message is delivered twice
 * @param minDelayMicros      least network delay
 * @param maxDelayMicros      greatest network delay (jitter between the two reorders messages)
 * @param partitions          partitions of random shapes (split, one-way, bridge) come and go
 * @param crashes             nodes crash, losing everything not synced, and restart
 * @param tornWrites          a crash may leave a prefix of the unsynced write on disk
 * @param pauses              nodes pause (as in a long GC) and resume with a burst of events
 * @param clockSkew           nodes tick at different rates (0.5x to 1.5x)
 * @param minSyncMicros       least fsync latency
 * @param maxSyncMicros       greatest fsync latency
 * @param durableStateMachine the state machine keeps its state across crashes (reports its applied index)
 * @param preVote             nodes run PreVote
 * @param checkQuorum         leaders run CheckQuorum
 * @param maxSizePerMsg       bytes of entries per append (1 = one entry per append)
 * @param maxInflightMsgs     appends in flight per follower
 * @param appendRewriteRate   share of the leaders' appends rewritten in flight into other valid
 *                            appends (see {@link AppendRewriter}), during the fault phase only
 */
public record SimOptions(long seed, int nodes, int steps, int clients, int keys, double readFraction,
                         double lossRate, double duplicateRate, int minDelayMicros, int maxDelayMicros,
                         boolean partitions, boolean crashes, boolean tornWrites, boolean pauses,
                         boolean clockSkew, int minSyncMicros, int maxSyncMicros,
                         boolean durableStateMachine, boolean preVote, boolean checkQuorum,
                         long maxSizePerMsg, int maxInflightMsgs, double appendRewriteRate) {

    /** Options without append rewriting. */
    public SimOptions(long seed, int nodes, int steps, int clients, int keys, double readFraction,
                      double lossRate, double duplicateRate, int minDelayMicros, int maxDelayMicros,
                      boolean partitions, boolean crashes, boolean tornWrites, boolean pauses,
                      boolean clockSkew, int minSyncMicros, int maxSyncMicros,
                      boolean durableStateMachine, boolean preVote, boolean checkQuorum,
                      long maxSizePerMsg, int maxInflightMsgs) {
        this(seed, nodes, steps, clients, keys, readFraction, lossRate, duplicateRate, minDelayMicros, maxDelayMicros,
                partitions, crashes, tornWrites, pauses, clockSkew, minSyncMicros, maxSyncMicros, durableStateMachine,
                preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs, 0);
    }

    /** Microseconds of virtual time per nominal tick. */
    public static final int TICK_MICROS = 1_000;
    /** Election timeout in ticks. */
    public static final int ELECTION_TICKS = 10;
    /** Heartbeat interval in ticks. */
    public static final int HEARTBEAT_TICKS = 2;
    /**
     * Most leaders a run may elect between the heal of its last fault and convergence. Measured
     * on seeds 0-999 of the unmodified code: 834 runs elect none, 158 one, 7 two, 1 three.
     */
    public static final int MAX_HEALED_ELECTIONS = 5;
    /**
     * Most times the highest term may rise between the heal and convergence. Measured on seeds
     * 0-999: 871 runs none, 94 one, 25 two, 7 three, 2 four, 1 six.
     */
    public static final int MAX_HEALED_TERM_CHANGES = 10;
    /**
     * Most term changes per healed run on average over a swarm of 200 seeds or more: the
     * unmodified code measures 0.18 on seeds 0-999, so a rule that makes elections needlessly
     * disruptive shows here even when no single run passes the bounds above.
     */
    public static final double MAX_MEAN_HEALED_TERM_CHANGES = 0.4;

    /** Expands a seed into options, every fault family chosen by the seed. */
    public static SimOptions fromSeed(long seed, int steps) {
        SplittableRandom r = new SplittableRandom(seed);
        int nodes = r.nextBoolean() ? 3 : 5;
        int clients = 2 + r.nextInt(4);
        int keys = 1 + r.nextInt(5);
        double readFraction = r.nextInt(5) / 10.0;
        double loss = r.nextBoolean() ? 0 : pick(r, 0.01, 0.05, 0.1, 0.2);
        double dup = r.nextBoolean() ? 0 : pick(r, 0.01, 0.05, 0.1);
        int minDelay = 50 + r.nextInt(200);
        int maxDelay = minDelay + (r.nextBoolean() ? 300 : 3_000 + r.nextInt(5_000));
        boolean partitions = r.nextBoolean();
        boolean crashes = r.nextBoolean();
        boolean torn = crashes && r.nextBoolean();
        boolean pauses = r.nextInt(3) == 0;
        boolean skew = r.nextInt(3) == 0;
        int minSync = 50 + r.nextInt(200);
        int maxSync = minSync + (r.nextBoolean() ? 200 : 2_000);
        boolean durableSm = r.nextBoolean();
        boolean preVote = r.nextInt(4) != 0;
        boolean checkQuorum = r.nextInt(4) != 0;
        // small appends split a new leader's no-op from the older entries before it, which is
        // what exposes a broken commit rule (Figure 8); small windows exercise probing
        long maxSize = new long[] {1, 300, 16 * 1024}[r.nextInt(3)];
        int inflight = new int[] {1, 4, 64}[r.nextInt(3)];
        // drawn last, so every other option of a seed is what it was before rewriting existed
        double rewrite = r.nextBoolean() ? 0 : pick(r, 0.05, 0.2, 0.5);
        return new SimOptions(seed, nodes, steps, clients, keys, readFraction, loss, dup, minDelay, maxDelay,
                partitions, crashes, torn, pauses, skew, minSync, maxSync, durableSm, preVote, checkQuorum,
                maxSize, inflight, rewrite);
    }

    /** These options with appends rewritten at {@code rate} (see {@link AppendRewriter}). */
    public SimOptions withAppendRewriteRate(double rate) {
        return new SimOptions(seed, nodes, steps, clients, keys, readFraction, lossRate, duplicateRate, minDelayMicros,
                maxDelayMicros, partitions, crashes, tornWrites, pauses, clockSkew, minSyncMicros, maxSyncMicros,
                durableStateMachine, preVote, checkQuorum, maxSizePerMsg, maxInflightMsgs, rate);
    }

    /** A calm network: no faults at all, small delays. Scenarios add their own faults. */
    public static SimOptions reliable(long seed, int nodes) {
        return new SimOptions(seed, nodes, 0, 3, 3, 0.2, 0, 0, 100, 500, false, false, false, false, false,
                100, 300, false, true, true, 16 * 1024, 64);
    }

    /** An unreliable network: loss, duplication and long delays, but no scheduled faults. */
    public static SimOptions unreliable(long seed, int nodes) {
        return new SimOptions(seed, nodes, 0, 3, 3, 0.2, 0.1, 0.05, 100, 5_000, false, false, false, false, false,
                100, 1_000, false, true, true, 16 * 1024, 64);
    }

    private static double pick(SplittableRandom r, double... values) {
        return values[r.nextInt(values.length)];
    }

    /** Election timeout in virtual microseconds at the nominal tick rate. */
    public static long electionTimeoutMicros() {
        return (long) ELECTION_TICKS * TICK_MICROS;
    }
}
