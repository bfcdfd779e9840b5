package io.raftkit.core;

import java.util.ArrayDeque;
import java.util.function.LongPredicate;

/**
 * The leader's lease (thesis §6.4.1), counted in ticks. Every heartbeat round is recorded with
 * the tick it left at; when a quorum has answered a round, the lease runs from that round's tick
 * for {@code leaseTicks}. It holds because every follower that answered ignores vote requests for
 * an election timeout after hearing from the leader (and, with leases on, for an election timeout
 * after it starts), so no other leader can be elected before the lease ends, provided clocks do
 * not drift apart by more than the election timeout minus the lease: the lease relies on bounded
 * clock drift, which the host accounts for when it chooses {@code leaseTicks}. A leadership
 * transfer makes a follower campaign at once, so it forfeits the lease for the rest of the term.
 */
final class LeaderLease {

    /** Rounds remembered at most: older ones only ever give a shorter lease. */
    private static final int MAX_ROUNDS = 1024;

    private final int leaseTicks;
    /** (sequence, tick) of the rounds sent whose answers may still extend the lease, oldest first. */
    private final ArrayDeque<long[]> rounds = new ArrayDeque<>();
    private long now;
    private long start = Long.MIN_VALUE / 2;
    private boolean forfeited;

    /** @param leaseTicks how long a lease lasts; 0 = leases off */
    LeaderLease(int leaseTicks) {
        if (leaseTicks < 0) {
            throw new IllegalArgumentException("leaseTicks must be >= 0, was " + leaseTicks);
        }
        this.leaseTicks = leaseTicks;
    }

    boolean enabled() {
        return leaseTicks > 0;
    }

    void tick() {
        now++;
    }

    /** A heartbeat round of {@code sequence} leaves now. */
    void sent(long sequence) {
        if (!enabled()) {
            return;
        }
        if (rounds.size() == MAX_ROUNDS) {
            rounds.pollFirst();
        }
        rounds.addLast(new long[] {sequence, now});
    }

    /**
     * Answers arrived: {@code quorumAnswered} tells whether a quorum has answered a round of the
     * given sequence or a later one.
     */
    void acknowledged(LongPredicate quorumAnswered) {
        long[] best = null;
        for (var it = rounds.descendingIterator(); it.hasNext(); ) {
            long[] r = it.next();
            if (quorumAnswered.test(r[0])) {
                best = r;
                break;
            }
        }
        if (best == null) {
            return;
        }
        start = Math.max(start, best[1]);
        while (!rounds.isEmpty() && rounds.peekFirst()[0] <= best[0]) {
            rounds.pollFirst();
        }
    }

    /** A single-node cluster is its own quorum: the lease starts now. */
    void confirmedAlone() {
        start = now;
    }

    void forfeit() {
        forfeited = true;
    }

    boolean holds() {
        return enabled() && !forfeited && now - start < leaseTicks;
    }

    /** A new term: no lease until a round of this term is answered. */
    void reset() {
        rounds.clear();
        start = Long.MIN_VALUE / 2;
        forfeited = false;
    }
}
