package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.message.VoteResponse;
import org.junit.jupiter.api.Test;

/** Lease reads (thesis §6.4.1): tick-based, from the heartbeat round a quorum answered. */
class LeaseReadTest {

    private static final int LEASE = 6; // election timeout is 10 ticks

    private static TestCluster withLeases() {
        TestCluster c = TestCluster.of(3);
        for (String id : c.hosts.keySet()) {
            c.node(id).enableLeaseReads(LEASE);
        }
        return c;
    }

    @Test
    void theLeaseRunsFromTheAnsweredRoundAndEndsLeaseTicksAfterItLeft() {
        TestCluster c = withLeases();
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        assertThat(n1.leaseReadIndex()).as("no round of this term answered yet").isEqualTo(-1);
        c.tickAll(1); // a heartbeat round leaves at this tick and a quorum answers it
        assertThat(n1.leaseReadIndex()).isEqualTo(n1.commitIndex());
        c.isolate("n1");
        for (int i = 1; i < LEASE; i++) {
            c.tick("n1", 1);
            c.stabilize();
            assertThat(n1.leaseReadIndex()).as("%d ticks after the answered round left", i).isEqualTo(n1.commitIndex());
        }
        c.tick("n1", 1);
        c.stabilize();
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(n1.leaseReadIndex()).as("the lease has run out though n1 still believes it leads").isEqualTo(-1);
    }

    @Test
    void aLeadershipTransferForfeitsTheLeaseForTheRestOfTheTerm() {
        TestCluster c = withLeases();
        c.elect("n1");
        c.tickAll(1);
        RaftNode n1 = c.node("n1");
        assertThat(n1.leaseReadIndex()).isPositive();
        c.isolate("n2"); // the transfer cannot complete and is aborted after an election timeout
        n1.transferLeadership("n2");
        assertThat(n1.leaseReadIndex()).isEqualTo(-1);
        c.tickAll(12);
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(n1.canPropose()).as("the transfer was aborted").isTrue();
        assertThat(n1.leaseReadIndex()).as("a TimeoutNow may still be on its way to n2").isEqualTo(-1);
    }

    @Test
    void aRestartedNodeIgnoresVotesForAnElectionTimeoutSinceItMayHaveGrantedALease() {
        TestCluster c = withLeases();
        c.elect("n1");
        c.tickAll(1);
        assertThat(c.node("n1").leaseReadIndex()).isPositive();
        c.crashAndRestart("n3");
        c.node("n3").enableLeaseReads(LEASE);
        c.isolate("n1"); // n1 still serves lease reads: n2 must not win with the vote of a forgetful n3
        c.timeout("n2");
        c.stabilize();
        assertThat(c.node("n2").role()).isNotEqualTo(Role.LEADER);
        assertThat(c.sent).noneMatch(m -> m instanceof VoteResponse r && r.from().equals("n3") && r.to().equals("n2")
                && r.granted());
        // once n3 has run for an election timeout, it may vote (n1's lease is long over). n3 runs
        // exactly that long and then stops ticking, so that its own timer (this seed's is longer)
        // does not make it campaign first: its vote, not its candidacy, is under test (n2, whose
        // timer a vote request it denies no longer restarts, would vote for it)
        c.tick("n3", 10);
        c.stabilize();
        assertThat(c.node("n3").role()).isEqualTo(Role.FOLLOWER);
        for (int i = 0; i < 40 && c.node("n2").role() != Role.LEADER; i++) {
            c.tick("n2", 1);
            c.stabilize();
        }
        assertThat(c.node("n2").role()).isEqualTo(Role.LEADER);
        assertThat(c.sent).anyMatch(m -> m instanceof VoteResponse r && r.from().equals("n3") && r.to().equals("n2")
                && r.granted());
    }

    @Test
    void withoutLeasesThereIsNoLeaseReadIndex() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        c.tickAll(3);
        assertThat(c.node("n1").leaseReadIndex()).isEqualTo(-1);
    }

    @Test
    void aSingleNodeIsItsOwnQuorum() {
        TestCluster c = TestCluster.of(1);
        c.elect("n1");
        assertThat(c.node("n1").leaseReadIndex()).isEqualTo(c.node("n1").commitIndex());
    }
}
