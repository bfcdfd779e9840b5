package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.Message;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Linearizable reads through ReadIndex (thesis §6.4). */
class ReadIndexTest {

    @Test
    void readIsServedAfterAQuorumConfirmsLeadership() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        long index = c.node("n1").propose(new byte[] {1});
        c.stabilize();
        c.node("n1").readIndex(7);
        c.processReady();
        assertThat(c.host("n1").readStates).isEmpty();
        c.stabilize();
        assertThat(c.host("n1").readStates).containsExactly(new ReadState(7, index));
    }

    @Test
    void readsArrivingTogetherShareOneHeartbeatRound() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        for (long id = 1; id <= 10; id++) {
            c.node("n1").readIndex(id);
        }
        List<Message> out = c.takeInFlight();
        assertThat(out).filteredOn(m -> m instanceof Heartbeat).hasSize(2);
        out.forEach(c::deliver);
        c.stabilize();
        assertThat(c.host("n1").readStates).hasSize(10);
    }

    @Test
    void readWaitsForTheLeadersFirstCommitInItsTerm() {
        TestCluster c = TestCluster.of(3);
        c.timeout("n1");
        // deliver until n1 is leader, but not its no-op's acknowledgements
        for (int i = 0; i < 10 && c.node("n1").role() != Role.LEADER; i++) {
            c.takeInFlight().forEach(c::deliver);
        }
        RaftNode n1 = c.node("n1");
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(n1.termAt(n1.commitIndex())).isNotEqualTo(n1.term());
        n1.readIndex(1);
        c.processReady();
        assertThat(c.host("n1").readStates).isEmpty();
        c.stabilize();
        assertThat(c.host("n1").readStates).containsExactly(new ReadState(1, n1.commitIndex()));
    }

    @Test
    void partitionedLeaderCannotServeReads() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        c.isolate("n1");
        c.node("n1").readIndex(1);
        c.stabilize();
        c.tick("n1", 1);
        c.stabilize();
        assertThat(c.host("n1").readStates).isEmpty();
    }

    @Test
    void followerRejectsReadIndexNamingTheLeader() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        assertThatThrownBy(() -> c.node("n2").readIndex(1))
                .isInstanceOf(NotLeaderException.class)
                .satisfies(e -> assertThat(((NotLeaderException) e).leaderId()).isEqualTo("n1"));
    }

    @Test
    void readAfterCommitSeesThatCommit() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        c.node("n1").readIndex(1);
        long index = c.node("n1").propose(new byte[] {1});
        c.stabilize();
        c.node("n1").readIndex(2);
        c.stabilize();
        assertThat(c.host("n1").readStates).contains(new ReadState(2, index));
    }

    @Test
    void singleNodeServesReadsAtOnce() {
        TestCluster c = TestCluster.of(1);
        c.elect("n1");
        c.node("n1").readIndex(5);
        c.processReady();
        assertThat(c.host("n1").readStates).hasSize(1);
    }
}
