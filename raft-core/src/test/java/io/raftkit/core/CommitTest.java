package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.EntryType;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When entries commit: Raft §5.4, Figure 8, and leader completeness. */
class CommitTest {

    @Test
    void newLeaderAppendsNoopOfItsTerm() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        assertThat(n1.entryAt(n1.lastIndex()).type()).isEqualTo(EntryType.NOOP);
        assertThat(n1.entryAt(n1.lastIndex()).term()).isEqualTo(n1.term());
        assertThat(n1.commitIndex()).isEqualTo(n1.lastIndex());
    }

    @Test
    void entryCommitsOnceAMajorityHasIt() {
        TestCluster c = TestCluster.of(5);
        c.elect("n1");
        c.isolate("n4");
        c.isolate("n5");
        long index = c.node("n1").propose(new byte[] {1});
        c.stabilize();
        assertThat(c.node("n1").commitIndex()).isEqualTo(index);
        c.isolate("n3");
        long next = c.node("n1").propose(new byte[] {2});
        c.stabilize();
        assertThat(c.node("n1").commitIndex()).as("only 2 of 5 have it").isEqualTo(index);
        c.heal();
        c.tickAll(2);
        assertThat(c.node("n1").commitIndex()).isEqualTo(next);
    }

    @Test
    void followersLearnTheCommitIndexFromTheLeader() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        long index = c.node("n1").propose(new byte[] {1});
        c.stabilize();
        assertThat(c.node("n2").commitIndex()).isEqualTo(index);
        assertThat(c.host("n3").appliedCommands()).hasSize(1);
    }

    /**
     * Figure 8: a leader must not commit an entry of an earlier term by counting replicas, even
     * when a majority stores it; it commits only when an entry of its own term reaches a majority.
     * Every message is delivered one at a time and the commit index checked after each.
     */
    @Test
    void oldTermEntryOnAMajorityIsNotCommittedUntilCurrentTermEntryIs() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withMaxSizePerMsg(1).withPreVote(false).withCheckQuorum(false));
        c.elect("n1");
        long base = c.node("n1").lastIndex();
        // term 1: n1 appends X at base+1, and nobody receives it
        c.isolate("n1");
        c.node("n1").propose(new byte[] {'X'});
        c.stabilize();
        // term 2: n2 is elected by n3 and appends its no-op at base+1, and nobody receives it
        c.dropWhen(m -> m instanceof AppendRequest && m.from().equals("n2"));
        c.tick("n3", 10); // n3 stops ignoring vote requests an election timeout after it last heard n1 (§4.2.3)
        assertThat(c.node("n3").role()).isEqualTo(Role.FOLLOWER);
        c.timeout("n2");
        c.stabilize();
        assertThat(c.node("n2").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n2").termAt(base + 1)).isEqualTo(2);
        // n2 goes away; n1 comes back, learns of term 2 from n3 and wins term 3 with n3's vote
        c.heal();
        c.isolate("n2");
        c.tick("n1", 1);
        c.stabilize();
        assertThat(c.node("n1").role()).isEqualTo(Role.FOLLOWER);
        c.timeout("n1");
        // deliver one message at a time, holding back the appends that carry n1's entry of
        // term 3 until X (term 1) is stored on a majority; after each, check the commit index
        boolean sawOldEntryOnMajorityUncommitted = false;
        for (int round = 0; round < 100; round++) {
            List<Message> batch = c.takeInFlight();
            if (batch.isEmpty()) {
                break;
            }
            for (Message m : batch) {
                if (m instanceof AppendRequest a && round < 20 && a.entries().stream().anyMatch(e -> e.term() == 3)) {
                    c.inFlight.add(m);
                    continue;
                }
                c.deliver(m);
                RaftNode n1 = c.node("n1");
                if (n1.role() == Role.LEADER) {
                    long commit = n1.commitIndex();
                    assertThat(commit).as("X (term 1) must not commit by counting replicas").isNotEqualTo(base + 1);
                    if (c.node("n3").termAt(base + 1) == 1 && commit == base) {
                        sawOldEntryOnMajorityUncommitted = true;
                    }
                }
            }
            c.processReady();
        }
        c.stabilize();
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        assertThat(c.node("n1").term()).isEqualTo(3);
        assertThat(sawOldEntryOnMajorityUncommitted).as("X reached a majority while uncommitted").isTrue();
        assertThat(c.node("n1").commitIndex()).isEqualTo(base + 2);
        assertThat(c.host("n3").appliedCommands()).extracting(b -> b[0]).containsExactly((byte) 'X');
    }

    @Test
    void electedLeaderHoldsEveryCommittedEntry() {
        for (int seed = 0; seed < 20; seed++) {
            TestCluster c = TestCluster.of(5);
            java.util.Random r = new java.util.Random(seed);
            c.dropWhen(m -> r.nextInt(4) == 0);
            java.util.Map<Long, io.raftkit.spi.Entry> committed = new java.util.HashMap<>();
            for (int step = 0; step < 300; step++) {
                for (var h : c.hosts.values()) {
                    if (r.nextInt(2) == 0) {
                        h.node.tick();
                    }
                    if (h.node.role() == Role.LEADER && r.nextInt(3) == 0) {
                        h.node.propose(new byte[] {(byte) step});
                    }
                }
                c.stabilize();
                for (var h : c.hosts.values()) {
                    for (long i = 1; i <= h.node.commitIndex(); i++) {
                        committed.putIfAbsent(i, h.node.entryAt(i));
                    }
                    if (h.node.role() == Role.LEADER) {
                        for (var e : committed.entrySet()) {
                            assertThat(h.node.entryAt(e.getKey())).as("seed %d: leader %s at %d", seed, h.id, e.getKey())
                                    .isEqualTo(e.getValue());
                        }
                    }
                }
            }
        }
    }

    @Test
    void commitIndexNeverDecreases() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        long before = c.node("n2").commitIndex();
        c.node("n2").step(new io.raftkit.spi.message.Heartbeat("n1", "n2", c.node("n1").term(), 0, 0));
        assertThat(c.node("n2").commitIndex()).isEqualTo(before);
    }
}
