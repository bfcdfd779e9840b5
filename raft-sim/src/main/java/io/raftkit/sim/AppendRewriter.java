package io.raftkit.sim;

import io.raftkit.core.RaftNode;
import io.raftkit.core.Role;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendRequest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Turns the appends of raftkit's own leader into the unusual but valid appends another correct
 * Raft leader may send, so the follower rules meet more than one leader's habits. raftkit's
 * leader sends each follower the entries right after what it believes matches and its commit
 * index; Figure 2 allows much more, and a follower must handle all of it:
 * <ul>
 *   <li>a shorter prefix of what was sent (a leader with a smaller size limit, or a re-send);</li>
 *   <li>an empty append, or a few entries, after any point of the leader's log, carrying the
 *       leader's full commit index (a probe of a leader that keeps no progress);</li>
 *   <li>a lower commit index (a leader that has not yet told this follower);</li>
 *   <li>an older append of the same term, delivered again much later.</li>
 * </ul>
 * Every rewrite is built from the sending leader's own log at the moment it sends, in the term
 * of the original message, with a commit index not above the leader's: a correct leader could
 * send it, so no checker may fire on correct code. A follower that breaks a rule of Figure 2 —
 * commit beyond the last new entry, truncate entries that match, skip a conflict — does.
 */
final class AppendRewriter {

    /** Older appends kept per leader and follower for replay. */
    private static final int HISTORY = 8;
    /** How far before the original append an extra probe may point. */
    private static final int PROBE_REACH = 16;
    /** Extra entries an extra probe may carry. */
    private static final int PROBE_ENTRIES = 4;

    private record Link(String from, String to) {
    }

    private final double rate;
    private final SplittableRandom random;
    private final Map<Link, ArrayDeque<AppendRequest>> history = new HashMap<>();
    private long rewritten;

    /**
     * @param rate   probability that an append is rewritten (0 turns the rewriter off)
     * @param random the rewriter's own stream, so runs without rewriting draw nothing from it
     */
    AppendRewriter(double rate, SplittableRandom random) {
        this.rate = rate;
        this.random = random;
    }

    /** How many appends were rewritten or added. */
    long rewritten() {
        return rewritten;
    }

    /**
     * What the network carries in place of {@code m}, which {@code sender} is sending now: usually
     * {@code m} alone; sometimes a variant of it, or {@code m} and an extra append.
     */
    List<AppendRequest> rewrite(RaftNode sender, AppendRequest m) {
        if (rate <= 0 || sender.role() != Role.LEADER || sender.term() != m.term()) {
            return List.of(m);
        }
        Link link = new Link(m.from(), m.to());
        ArrayDeque<AppendRequest> past = history.computeIfAbsent(link, k -> new ArrayDeque<>());
        if (!past.isEmpty() && past.peekFirst().term() != m.term()) {
            past.clear(); // a new term: older appends are no longer this leader's to replay
        }
        List<AppendRequest> out = new ArrayList<>(2);
        if (random.nextDouble() >= rate) {
            out.add(m);
        } else {
            rewritten++;
            switch (random.nextInt(4)) {
                case 0 -> out.add(shorterPrefix(m));
                case 1 -> out.add(lowerCommit(m));
                case 2 -> {
                    out.add(m);
                    out.add(probe(sender, m));
                }
                default -> {
                    out.add(m);
                    if (!past.isEmpty()) {
                        out.add(pick(past));
                    }
                }
            }
        }
        past.addLast(m);
        if (past.size() > HISTORY) {
            past.removeFirst();
        }
        return out;
    }

    private AppendRequest shorterPrefix(AppendRequest m) {
        int n = m.entries().size();
        if (n == 0) {
            return lowerCommit(m);
        }
        int keep = random.nextInt(n);
        return new AppendRequest(m.from(), m.to(), m.term(), m.prevLogIndex(), m.prevLogTerm(),
                m.entries().subList(0, keep), m.leaderCommit());
    }

    private AppendRequest lowerCommit(AppendRequest m) {
        long commit = m.leaderCommit() <= 0 ? 0 : random.nextLong(m.leaderCommit() + 1);
        return new AppendRequest(m.from(), m.to(), m.term(), m.prevLogIndex(), m.prevLogTerm(), m.entries(), commit);
    }

    /**
     * An append after a point of the leader's log near (mostly before) the original's: the
     * follower may hold entries of another term after that point, and must not commit them
     * just because the leader's commit index is higher.
     */
    private AppendRequest probe(RaftNode leader, AppendRequest m) {
        long last = leader.lastIndex();
        // not before the leader's compaction point: it no longer holds those entries
        long lo = Math.max(leader.firstIndex() - 1, m.prevLogIndex() - PROBE_REACH);
        long prev = lo + random.nextLong(last - lo + 1);
        int count = (int) Math.min(random.nextInt(PROBE_ENTRIES + 1), last - prev);
        List<Entry> entries = new ArrayList<>(count);
        for (long i = prev + 1; i <= prev + count; i++) {
            entries.add(leader.entryAt(i));
        }
        return new AppendRequest(m.from(), m.to(), m.term(), prev, leader.termAt(prev), entries, leader.commitIndex());
    }

    private AppendRequest pick(ArrayDeque<AppendRequest> past) {
        int k = random.nextInt(past.size());
        for (AppendRequest a : past) {
            if (k-- == 0) {
                return a;
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
