package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Nothing is promised before it is durable; the leader counts itself only for durable entries. */
class DurabilityTest {

    @Test
    void voteIsSentOnlyAfterItIsPersisted() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withPreVote(false), true);
        c.node("n2").step(new VoteRequest("n1", "n2", 1, 1, 0, false, false));
        assertThat(c.takeInFlight()).noneMatch(m -> m instanceof VoteResponse);
        assertThat(c.host("n2").storage.durableHardState().votedFor()).isNull();
        c.sync("n2");
        assertThat(c.host("n2").storage.durableHardState().votedFor()).isEqualTo("n1");
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof VoteResponse r && r.granted()).hasSize(1);
    }

    @Test
    void candidateAsksForVotesOnlyAfterItsTermAndVoteArePersisted() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withPreVote(false), true);
        c.timeout("n1");
        assertThat(c.takeInFlight()).noneMatch(m -> m instanceof VoteRequest);
        c.sync("n1");
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof VoteRequest).hasSize(2);
    }

    @Test
    void singleNodeCountsItsOwnVoteOnlyAfterPersisting() {
        TestCluster c = new TestCluster(1, cfg -> cfg.withPreVote(false), true);
        c.timeout("n1");
        c.processReady();
        assertThat(c.node("n1").role()).isEqualTo(Role.CANDIDATE);
        c.sync("n1");
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
    }

    @Test
    void appendIsAcknowledgedOnlyAfterTheEntriesArePersisted() {
        TestCluster c = new TestCluster(3, cfg -> cfg, true);
        electWithSync(c, "n1");
        long index = c.node("n1").propose(new byte[] {1});
        List<Message> out = c.takeInFlight();
        out.stream().filter(m -> m instanceof AppendRequest && m.to().equals("n2")).forEach(c::deliver);
        c.processReady();
        assertThat(c.takeInFlight()).noneMatch(m -> m instanceof AppendResponse r && r.success() && r.index() >= index);
        c.sync("n2");
        assertThat(c.host("n2").storage.durableLastIndex()).isGreaterThanOrEqualTo(index);
        assertThat(c.takeInFlight()).anyMatch(m -> m instanceof AppendResponse r && r.success() && r.index() >= index);
    }

    @Test
    void leaderCountsItselfOnlyUpToWhatIsPersisted() {
        TestCluster c = new TestCluster(3, cfg -> cfg, true);
        electWithSync(c, "n1");
        c.isolate("n3");
        RaftNode n1 = c.node("n1");
        long index = n1.propose(new byte[] {1});
        // n1's appends leave before its own write is durable
        List<Message> out = c.takeInFlight();
        assertThat(out).anyMatch(m -> m instanceof AppendRequest a && a.to().equals("n2") && a.lastIndex() == index);
        out.forEach(c::deliver);
        c.processReady();
        c.sync("n2");
        c.takeInFlight().forEach(c::deliver);
        assertThat(n1.commitIndex()).as("n2 has it, n1's own copy is not durable").isLessThan(index);
        c.sync("n1");
        assertThat(n1.commitIndex()).isEqualTo(index);
    }

    @Test
    void committedEntriesAreAppliedOnlyOnceDurableLocally() {
        TestCluster c = new TestCluster(3, cfg -> cfg, true);
        electWithSync(c, "n1");
        long index = c.node("n1").propose(new byte[] {1});
        for (int i = 0; i < 5; i++) {
            c.takeInFlight().forEach(c::deliver);
            c.sync("n1");
            c.sync("n2");
            c.sync("n3");
        }
        assertThat(c.node("n1").commitIndex()).isEqualTo(index);
        assertThat(c.host("n1").appliedCommands()).hasSize(1);
    }

    @Test
    void crashLosesOnlyWhatWasNotPersistedAndNothingAcknowledged() {
        TestCluster c = new TestCluster(3, cfg -> cfg, true);
        electWithSync(c, "n1");
        long index = c.node("n1").propose(new byte[] {1});
        c.takeInFlight().forEach(c::deliver);
        c.processReady();
        // n2 crashes before syncing: it acknowledged nothing, and restarts without the entry
        assertThat(c.inFlight).noneMatch(m -> m instanceof AppendResponse r && r.from().equals("n2") && r.success());
        c.crashAndRestart("n2");
        assertThat(c.node("n2").lastIndex()).isLessThan(index);
    }

    @Test
    void proposalOnFollowerIsRejectedNamingTheLeader() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        assertThatThrownBy(() -> c.node("n2").propose(new byte[] {1}))
                .isInstanceOf(NotLeaderException.class)
                .hasMessageContaining("n1")
                .satisfies(e -> assertThat(((NotLeaderException) e).leaderId()).isEqualTo("n1"));
    }

    @Test
    void restartedNodeKeepsTermVoteAndLog() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        long index = c.node("n1").propose(new byte[] {1});
        c.stabilize();
        c.crashAndRestart("n2");
        RaftNode n2 = c.node("n2");
        assertThat(n2.term()).isEqualTo(c.node("n1").term());
        assertThat(n2.lastIndex()).isEqualTo(index);
        assertThat(n2.commitIndex()).isEqualTo(index);
        c.stabilize();
        assertThat(c.host("n2").appliedCommands()).hasSize(1);
    }

    private static void electWithSync(TestCluster c, String id) {
        c.timeout(id);
        for (int i = 0; i < 20; i++) {
            c.processReady();
            c.hosts.keySet().forEach(c::sync);
            c.takeInFlight().forEach(c::deliver);
        }
        assertThat(c.node(id).role()).isEqualTo(Role.LEADER);
        assertThat(c.node(id).termAt(c.node(id).commitIndex())).isEqualTo(c.node(id).term());
    }
}
