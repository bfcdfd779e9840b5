package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The follower side of AppendEntries against a small reference model of Figure 2's receiver
 * rules, driven by appends no single leader implementation sends: random histories of leaders
 * (each term's log a committed prefix, part of an earlier leader's uncommitted suffix, and its
 * own entries), and from them appends at any point of any leader's log, of any length, with any
 * commit index up to that leader's, delivered late and out of order.
 *
 * <p>After every append the follower's log and commit index must be exactly what the model
 * computes from the follower's previous state — or, where raftkit answers an append below its
 * commit index with its commit index alone, unchanged — and an acknowledgement of index x must
 * mean the follower's log equals the sender's up to x.
 */
class FollowerModelTest {

    private static final int RUNS = Integer.getInteger("follower.runs", 2_000);
    private static final ClusterConfig MEMBERS = ClusterConfig.of(List.of("n1", "n2", "n3"));

    /** A leader of one term: its whole log (index i at position i - 1) and its final commit index. */
    private record Leader(long term, List<Entry> log, long commit) {
        long termAt(long index) {
            return index == 0 ? 0 : log.get((int) index - 1).term();
        }
    }

    /** The follower's state as the model sees it: current term, log, commit index. */
    private record State(long term, List<Entry> log, long commit) {
        long termAt(long index) {
            return index == 0 ? 0 : index > log.size() ? -1 : log.get((int) index - 1).term();
        }
    }

    @Test
    void followerKeepsFigure2AgainstUnusualValidAppends() {
        for (long seed = 0; seed < RUNS; seed++) {
            run(seed);
        }
    }

    private static Entry entry(long index, long term) {
        return Entry.command(index, term, ("t" + term + "i" + index).getBytes(StandardCharsets.UTF_8));
    }

    /** Leaders of terms 1..n; each later leader's log holds everything earlier leaders committed. */
    private static List<Leader> history(SplittableRandom r) {
        List<Leader> leaders = new ArrayList<>();
        List<Entry> committed = new ArrayList<>(List.of(Entry.config(1, 0, MEMBERS)));
        int terms = 2 + r.nextInt(5);
        for (long term = 1; term <= terms; term++) {
            List<Entry> log = new ArrayList<>(committed);
            List<Entry> earlier = leaders.isEmpty() ? List.of() : leaders.get(r.nextInt(leaders.size())).log();
            boolean holdsCommitted = earlier.size() >= committed.size()
                    && earlier.subList(0, committed.size()).equals(committed);
            if (holdsCommitted && r.nextBoolean()) {
                // part of an earlier leader's uncommitted suffix survives into this term
                int keep = committed.size() + r.nextInt(earlier.size() - committed.size() + 1);
                log = new ArrayList<>(earlier.subList(0, keep));
            }
            int own = r.nextInt(6);
            for (int i = 0; i < own; i++) {
                log.add(entry(log.size() + 1, term));
            }
            // the commit may move only onto an entry of this term (Figure 8); it covers what precedes it
            long commit = committed.size();
            if (own > 0 && r.nextBoolean()) {
                commit = log.size() - r.nextInt(own);
                committed = new ArrayList<>(log.subList(0, (int) commit));
            }
            leaders.add(new Leader(term, List.copyOf(log), commit));
        }
        return leaders;
    }

    private static void run(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Leader> leaders = history(r);
        InMemoryLogStorage storage = new InMemoryLogStorage();
        storage.append(null, List.of(Entry.config(1, 0, MEMBERS))).join();
        RaftConfig config = new RaftConfig("n2", 10, 2, 1 << 20, 64, 0, 1 << 20, false, false);
        RaftNode follower = new RaftNode(config, storage, 0, new java.util.Random(seed));
        int phase = 0; // appends come from leaders up to this term (older ones arrive late)
        for (int step = 0; step < 60; step++) {
            if (phase < leaders.size() - 1 && r.nextInt(4) == 0) {
                phase++;
            }
            Leader leader = leaders.get(r.nextInt(phase + 1));
            long prev = r.nextInt(leader.log().size() + 1);
            int count = r.nextInt((int) (leader.log().size() - prev) + 1);
            List<Entry> entries = leader.log().subList((int) prev, (int) prev + count);
            long leaderCommit = r.nextLong(leader.commit() + 1);
            AppendRequest m = new AppendRequest("n1", "n2", leader.term(), prev, leader.termAt(prev), entries, leaderCommit);
            String context = "seed " + seed + " step " + step + ": " + m;

            State before = state(follower);
            List<Message> out = deliver(follower, storage, m);
            State after = state(follower);
            State model = figure2(before, m);
            boolean ignoredBelowCommit = m.term() >= before.term() && prev < before.commit()
                    && after.log().equals(before.log()) && after.commit() == before.commit();
            if (!ignoredBelowCommit) {
                assertThat(after.log()).as("log after " + context).isEqualTo(model.log());
                assertThat(after.commit()).as("commit index after " + context).isEqualTo(model.commit());
            }
            assertThat(after.term()).as("term after " + context).isEqualTo(model.term());
            for (Message o : out) {
                if (o instanceof AppendResponse a && a.success()) {
                    assertThat(a.index()).as("acknowledged index within the log, " + context).isLessThanOrEqualTo(after.log().size());
                    assertThat(after.log().subList(0, (int) a.index()))
                            .as("an acknowledgement of " + a.index() + " means the logs match up to it, " + context)
                            .isEqualTo(leader.log().subList(0, (int) Math.min(a.index(), leader.log().size())));
                }
            }
        }
    }

    /** Figure 2, AppendEntries receiver implementation, steps 1-5. */
    private static State figure2(State s, AppendRequest m) {
        if (m.term() < s.term()) {
            return s; // 1: reply false if term < currentTerm
        }
        if (s.termAt(m.prevLogIndex()) != m.prevLogTerm()) {
            return new State(m.term(), s.log(), s.commit()); // 2: no entry at prevLogIndex with prevLogTerm
        }
        List<Entry> log = new ArrayList<>(s.log());
        for (Entry e : m.entries()) {
            int i = (int) e.index() - 1;
            if (i < log.size() && log.get(i).term() != e.term()) {
                log.subList(i, log.size()).clear(); // 3: a conflict deletes the entry and all that follow
            }
            if (i >= log.size()) {
                log.add(e); // 4: append any new entries not already in the log
            }
        }
        long lastNew = m.prevLogIndex() + m.entries().size();
        long commit = Math.max(s.commit(), Math.min(m.leaderCommit(), lastNew)); // 5
        return new State(m.term(), log, commit);
    }

    private static State state(RaftNode node) {
        List<Entry> log = new ArrayList<>();
        for (long i = 1; i <= node.lastIndex(); i++) {
            log.add(node.entryAt(i));
        }
        return new State(node.term(), log, node.commitIndex());
    }

    /** Steps the append and handles every Ready, syncing at once; returns what the follower sent. */
    private static List<Message> deliver(RaftNode node, InMemoryLogStorage storage, AppendRequest m) {
        node.step(m);
        List<Message> out = new ArrayList<>();
        while (node.hasReady()) {
            Ready rd = node.ready();
            out.addAll(rd.messages());
            if (rd.needsWrite()) {
                storage.append(rd.hardState(), rd.entries()).join();
            }
            node.advance(rd);
            if (rd.lastEntry() != null) {
                node.persisted(rd.lastEntry().index(), rd.lastEntry().term());
            }
            out.addAll(rd.persistedMessages());
        }
        return out;
    }

    @Test
    void entriesCompareByContent() {
        // the model compares logs with equals: equal entries built apart must be equal
        assertThat(entry(3, 2)).isEqualTo(entry(3, 2));
        assertThat(Arrays.equals(entry(3, 2).data(), entry(3, 1).data())).isFalse();
    }
}
