package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Membership changes in the core: joint consensus, learners, joining and leaving nodes. */
class MembershipTest {

    private static final Set<String> THREE = Set.of("n1", "n2", "n3");

    private static TestCluster leaderOf3() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        return c;
    }

    /** n1 leads n1..n3 and n4, a node that started empty, was added as a learner and caught up. */
    private static TestCluster withLearner() {
        TestCluster c = leaderOf3();
        c.join("n4");
        c.node("n1").proposeConfigChange(ConfigChange.of(THREE, Set.of("n4")));
        c.stabilize();
        c.tickAll(2);
        return c;
    }

    private static List<ClusterConfig> configEntries(RaftNode n) {
        return LongStream.rangeClosed(n.firstIndex(), n.lastIndex()).mapToObj(n::entryAt)
                .filter(e -> e.type() == EntryType.CONFIG).map(e -> ClusterConfig.decode(e.data())).toList();
    }

    @Test
    void aNodeWithAnEmptyLogStartsAsAFollowerThatNeverCampaigns() {
        TestCluster c = leaderOf3();
        RaftNode n4 = c.join("n4").node;
        assertThat(n4.clusterConfig()).isEqualTo(ClusterConfig.EMPTY);
        assertThat(n4.configEntry()).isEqualTo(ConfigEntry.NONE);
        c.tick("n4", 200);
        assertThat(n4.role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.takeInFlight()).noneMatch(m -> m.from().equals("n4"));
    }

    @Test
    void addingALearnerIsOneSimpleEntryAndTheLearnerCatchesUpFromAnEmptyLog() {
        TestCluster c = leaderOf3();
        c.node("n1").propose(new byte[] {1});
        c.stabilize();
        c.join("n4");
        long index = c.node("n1").proposeConfigChange(ConfigChange.of(THREE, Set.of("n4")));
        ClusterConfig expected = new ClusterConfig(THREE, Set.of(), Set.of("n4"), Map.of(), "");
        assertThat(c.node("n1").entryAt(index).type()).isEqualTo(EntryType.CONFIG);
        assertThat(ClusterConfig.decode(c.node("n1").entryAt(index).data())).isEqualTo(expected);
        c.stabilize();
        c.tickAll(2);
        for (String id : List.of("n1", "n2", "n3", "n4")) {
            assertThat(c.node(id).clusterConfig()).as(id).isEqualTo(expected);
            assertThat(c.node(id).lastIndex()).as(id).isEqualTo(index);
        }
        assertThat(c.node("n4").commitIndex()).isEqualTo(index);
        assertThat(c.host("n4").appliedCommands()).usingRecursiveComparison()
                .isEqualTo(c.host("n1").appliedCommands());
        assertThat(c.node("n1").configChangePending()).isFalse();
    }

    @Test
    void aLearnerNeverCampaignsEvenWhenTheLeaderIsGone() {
        TestCluster c = withLearner();
        c.isolate("n1");
        c.isolate("n2");
        c.isolate("n3");
        c.takeInFlight();
        c.tick("n4", 200);
        assertThat(c.node("n4").role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.takeInFlight()).noneMatch(m -> m instanceof VoteRequest);
    }

    @Test
    void aLearnerNeverCountsTowardsCommit() {
        TestCluster c = withLearner();
        c.isolate("n2");
        c.isolate("n3");
        long before = c.node("n1").commitIndex();
        long index = c.node("n1").propose(new byte[] {7});
        c.stabilize();
        assertThat(c.node("n4").lastIndex()).isEqualTo(index); // the learner has it
        assertThat(c.node("n1").commitIndex()).isEqualTo(before); // but one voter of three is no quorum
    }

    @Test
    void aVoteFromANonVoterIsIgnored() {
        TestCluster c = withLearner();
        c.isolate("n2");
        c.isolate("n3");
        c.isolate("n1");
        c.timeout("n2");
        c.heal();
        c.takeInFlight(); // n2 pre-campaigns; n1 and n3 never answer
        RaftNode n2 = c.node("n2");
        assertThat(n2.role()).isEqualTo(Role.PRE_CANDIDATE);
        n2.step(new VoteResponse("n4", "n2", n2.term() + 1, true, true));
        assertThat(n2.role()).isEqualTo(Role.PRE_CANDIDATE); // the learner's grant makes no quorum
    }

    @Test
    void promotingALearnerGoesThroughAJointConfigurationAndTheLeaderLeavesItByItself() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        Set<String> four = Set.of("n1", "n2", "n3", "n4");
        long index = n1.proposeConfigChange(ConfigChange.of(four, Set.of()));
        ClusterConfig joint = ClusterConfig.decode(n1.entryAt(index).data());
        assertThat(joint.voters()).isEqualTo(four);
        assertThat(joint.outgoingVoters()).isEqualTo(THREE);
        assertThat(joint.learners()).isEmpty();
        assertThat(n1.configChangePending()).isTrue();
        c.stabilize();
        assertThat(n1.lastIndex()).isEqualTo(index + 1);
        ClusterConfig leave = ClusterConfig.decode(n1.entryAt(index + 1).data());
        assertThat(leave).isEqualTo(ClusterConfig.of(four));
        for (String id : four) {
            assertThat(c.node(id).clusterConfig()).as(id).isEqualTo(ClusterConfig.of(four));
        }
        assertThat(n1.configChangePending()).isFalse();
        assertThat(n1.commitIndex()).isEqualTo(index + 1);
    }

    @Test
    void aConfigurationTakesEffectWhenAppendedNotWhenCommitted() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        long index = n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2", "n3", "n4"), Set.of()));
        assertThat(n1.clusterConfig().isJoint()).isTrue(); // in force on the leader at once
        assertThat(n1.configEntry().index()).isEqualTo(index);
        // deliver the append to n2 only, never the answer: n2 uses it uncommitted
        List<Message> out = c.takeInFlight();
        out.stream().filter(m -> m instanceof AppendRequest && m.to().equals("n2")).forEach(c::deliver);
        c.processReady();
        assertThat(c.node("n2").commitIndex()).isLessThan(index);
        assertThat(c.node("n2").clusterConfig().isJoint()).isTrue();
        assertThat(c.node("n2").softState().config().index()).isEqualTo(index);
    }

    @Test
    void theSoftStateCarriesTheNewConfiguration() {
        TestCluster c = leaderOf3();
        RaftNode n1 = c.node("n1");
        n1.ready(); // whatever was pending
        c.join("n4");
        long index = n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4")));
        Ready rd = n1.ready();
        assertThat(rd.softState()).isNotNull();
        assertThat(rd.softState().config().index()).isEqualTo(index);
        assertThat(rd.softState().config().config().learners()).containsExactly("n4");
    }

    @Test
    void aTruncatedConfigurationEntryRevertsToThePreviousConfiguration() {
        TestCluster c = leaderOf3();
        RaftNode n1 = c.node("n1");
        ConfigEntry before = n1.configEntry();
        c.isolate("n1");
        c.join("n4");
        long index = n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4")));
        c.stabilize(); // reaches no one
        assertThat(n1.configEntry().index()).isEqualTo(index);
        c.tickAll(40); // n2 and n3 move on without it
        String other = c.leader();
        assertThat(other).isIn("n2", "n3");
        c.node(other).propose(new byte[] {9});
        c.stabilize();
        c.heal();
        c.tickAll(3);
        assertThat(n1.role()).isEqualTo(Role.FOLLOWER);
        assertThat(n1.entryAt(index).type()).isNotEqualTo(EntryType.CONFIG);
        assertThat(n1.configEntry()).isEqualTo(before);
        assertThat(n1.clusterConfig().learners()).isEmpty();
    }

    @Test
    void onlyOneChangeIsInFlight() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2", "n3", "n4"), Set.of()));
        assertThatThrownBy(() -> n1.proposeConfigChange(ConfigChange.of(THREE, Set.of())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already in flight");
        // after the joint entry commits, the leave entry is in flight: still refused
        List<Message> out = c.takeInFlight();
        out.forEach(c::deliver);
        c.processReady();
        for (Message m : c.takeInFlight()) {
            if (!(m instanceof AppendRequest)) {
                c.deliver(m);
            }
        }
        c.processReady();
        assertThat(n1.clusterConfig().isJoint()).isFalse();
        assertThat(n1.configChangePending()).isTrue();
        assertThatThrownBy(() -> n1.proposeConfigChange(ConfigChange.of(THREE, Set.of())))
                .isInstanceOf(IllegalStateException.class);
        c.stabilize();
        assertThat(n1.configChangePending()).isFalse();
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2", "n3", "n4"), Set.of("n5")));
    }

    @Test
    void aNewLeaderProposesNoChangeBeforeItCommitsAnEntryOfItsTerm() {
        TestCluster c = TestCluster.of(3);
        c.timeout("n1");
        // run the election, but hold back every append so the new leader's no-op stays uncommitted
        for (int i = 0; i < 10 && c.node("n1").role() != Role.LEADER; i++) {
            c.processReady();
            for (Message m : c.takeInFlight()) {
                if (!(m instanceof AppendRequest)) {
                    c.deliver(m);
                }
            }
        }
        RaftNode n1 = c.node("n1");
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        assertThat(n1.commitIndex()).isLessThan(n1.lastIndex());
        assertThatThrownBy(() -> n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not yet committed an entry of its term");
        c.stabilize();
        n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4")));
    }

    @Test
    void badTargetsAreRefusedWithAReason() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        assertThatThrownBy(() -> ConfigChange.of(Set.of(), Set.of("n4")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one voter");
        assertThatThrownBy(() -> ConfigChange.of(Set.of("n1", "n4"), Set.of("n4")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equals");
        assertThatThrownBy(() -> n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2"), Set.of("n3", "n4"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot become a learner");
        assertThat(n1.configChangePending()).isFalse();
    }

    @Test
    void onlyALeaderNotTransferringProposesAChange() {
        TestCluster c = withLearner();
        assertThatThrownBy(() -> c.node("n2").proposeConfigChange(ConfigChange.of(THREE, Set.of())))
                .isInstanceOf(NotLeaderException.class);
        c.isolate("n2");
        c.node("n1").transferLeadership("n2");
        assertThatThrownBy(() -> c.node("n1").proposeConfigChange(ConfigChange.of(THREE, Set.of())))
                .isInstanceOf(NotLeaderException.class);
    }

    @Test
    void leadershipGoesOnlyToAVoterThatStays() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        assertThatThrownBy(() -> n1.transferLeadership("n4"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a voter");
        c.isolate("n2");
        c.isolate("n3");
        c.isolate("n4");
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2"), Set.of("n4"))); // removes n3: joint, held
        assertThatThrownBy(() -> n1.transferLeadership("n3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("being removed");
    }

    @Test
    void aLeaderRemovedFromTheClusterLeadsUntilTheNewConfigurationCommitsThenStepsDown() {
        TestCluster c = leaderOf3();
        RaftNode n1 = c.node("n1");
        long term = n1.term();
        long index = n1.proposeConfigChange(ConfigChange.of(Set.of("n2", "n3"), Set.of()));
        // one round: the joint entry commits, the leader appends the final one and is still leader
        c.takeInFlight().forEach(c::deliver);
        c.processReady();
        c.takeInFlight().stream().filter(m -> !(m instanceof AppendRequest)).forEach(c::deliver);
        c.processReady();
        assertThat(n1.commitIndex()).isEqualTo(index);
        assertThat(n1.clusterConfig()).isEqualTo(ClusterConfig.of("n2", "n3"));
        assertThat(n1.role()).isEqualTo(Role.LEADER);
        c.stabilize();
        assertThat(n1.role()).isEqualTo(Role.FOLLOWER);
        assertThat(c.node("n2").commitIndex()).isEqualTo(index + 1);
        assertThat(c.node("n3").commitIndex()).isEqualTo(index + 1);
        c.tickAll(40);
        String leader = c.leader();
        assertThat(leader).isIn("n2", "n3");
        assertThat(c.node(leader).term()).isGreaterThan(term);
        assertThat(c.sent).noneMatch(m -> m instanceof VoteRequest && m.from().equals("n1") && m.term() > term);
        c.node(leader).propose(new byte[] {3});
        c.stabilize();
        assertThat(c.node("n2").commitIndex()).isEqualTo(c.node("n3").commitIndex());
        assertThat(c.node(leader).commitIndex()).isEqualTo(c.node(leader).lastIndex());
    }

    @Test
    void aNewLeaderThatInheritsACommittedJointConfigurationLeavesIt() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        Set<String> four = Set.of("n1", "n2", "n3", "n4");
        long index = n1.proposeConfigChange(ConfigChange.of(four, Set.of()));
        c.takeInFlight().forEach(c::deliver);
        c.processReady();
        c.takeInFlight().stream().filter(m -> !(m instanceof AppendRequest)).forEach(c::deliver);
        c.processReady();
        assertThat(n1.commitIndex()).isEqualTo(index); // committed, the leave entry not sent
        c.isolate("n1");
        c.takeInFlight();
        c.tickAll(40);
        RaftNode n2 = c.node(c.leader());
        assertThat(n2.nodeId()).isNotEqualTo("n1");
        assertThat(n2.clusterConfig()).isEqualTo(ClusterConfig.of(four));
        assertThat(n2.configChangePending()).isFalse();
        assertThat(configEntries(n2).get(configEntries(n2).size() - 1)).isEqualTo(ClusterConfig.of(four));
    }

    @Test
    void aRemovedNodeThatNeverLearnedItCannotDisruptTheCluster() {
        // etcd-raft issue 83: n3 is removed while cut off, so it never sees the configuration without it
        TestCluster c = leaderOf3();
        c.isolate("n3");
        RaftNode n1 = c.node("n1");
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2"), Set.of()));
        c.stabilize();
        c.tickAll(2);
        assertThat(n1.clusterConfig()).isEqualTo(ClusterConfig.of("n1", "n2"));
        assertThat(c.node("n3").clusterConfig()).isEqualTo(ClusterConfig.of(THREE));
        long term = n1.term();
        c.heal();
        for (int i = 0; i < 100; i++) {
            c.tickAll(1);
            assertThat(n1.role()).isEqualTo(Role.LEADER);
            assertThat(n1.term()).isEqualTo(term);
            assertThat(c.node("n2").term()).isEqualTo(term);
        }
        assertThat(c.node("n3").role()).isNotEqualTo(Role.LEADER);
        assertThat(c.sent).anyMatch(m -> m instanceof VoteRequest && m.from().equals("n3"));
    }

    @Test
    void readIndexNeedsAQuorumOfBothHalvesOfAJointConfiguration() {
        TestCluster c = leaderOf3();
        c.join("n4");
        c.join("n5");
        RaftNode n1 = c.node("n1");
        n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4", "n5")));
        c.stabilize();
        c.tickAll(2);
        // joint {n1..n5} / {n1,n2,n3}: n1, n4 and n5 are a majority of the new voters only
        c.isolate("n2");
        c.isolate("n3");
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2", "n3", "n4", "n5"), Set.of()));
        c.stabilize();
        assertThat(n1.clusterConfig().isJoint()).isTrue();
        n1.readIndex(42);
        c.stabilize();
        c.tick("n1", 1);
        c.stabilize();
        assertThat(c.host("n1").readStates).isEmpty();
    }

    @Test
    void checkQuorumUsesBothHalvesOfAJointConfiguration() {
        TestCluster c = leaderOf3();
        c.join("n4");
        c.join("n5");
        RaftNode n1 = c.node("n1");
        n1.proposeConfigChange(ConfigChange.of(THREE, Set.of("n4", "n5")));
        c.stabilize();
        c.tickAll(2);
        c.isolate("n2");
        c.isolate("n3");
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2", "n3", "n4", "n5"), Set.of()));
        c.stabilize();
        for (int i = 0; i < 25; i++) {
            c.tick("n1", 1);
            c.tick("n4", 1);
            c.tick("n5", 1);
            c.stabilize();
        }
        assertThat(n1.role()).isNotEqualTo(Role.LEADER);
    }

    @Test
    void aLearnerCatchesUpThroughASnapshotAndLearnsTheConfigurationFromIt() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        for (int i = 0; i < 20; i++) {
            c.node("n1").propose(new byte[] {(byte) i});
        }
        c.stabilize();
        // n4 is added before it runs, and the leader compacts its log past the entry that added it
        c.node("n1").proposeConfigChange(ConfigChange.of(THREE, Set.of("n4")));
        c.stabilize();
        for (int i = 0; i < 5; i++) {
            c.node("n1").propose(new byte[] {(byte) (100 + i)});
        }
        c.stabilize();
        c.host("n1").takeSnapshot(0);
        long snapIndex = c.node("n1").snapshot().index();
        assertThat(c.node("n1").snapshot().meta().config().learners()).containsExactly("n4");
        RaftNode n4 = c.join("n4").node;
        c.tickAll(5);
        assertThat(c.host("n4").installed).isEqualTo(1);
        assertThat(n4.configEntry()).isEqualTo(new ConfigEntry(snapIndex, c.node("n1").clusterConfig()));
        assertThat(n4.commitIndex()).isEqualTo(c.node("n1").commitIndex());
        assertThat(c.host("n4").appliedCommands()).usingRecursiveComparison()
                .isEqualTo(c.host("n1").appliedCommands());
    }

    @Test
    void theClusterIdSurvivesEveryChange() {
        TestCluster c = withLearner();
        // entry 1 of TestCluster has no id; the id is carried from whatever the config in force has
        RaftNode n1 = c.node("n1");
        n1.proposeConfigChange(new ConfigChange(Set.of("n1", "n2", "n3", "n4"), Set.of(), Map.of("n4", "h:4")));
        c.stabilize();
        assertThat(n1.clusterConfig().addresses()).containsEntry("n4", "h:4");
        assertThat(n1.clusterConfig().clusterId()).isEqualTo(ClusterConfig.of(THREE).clusterId());
    }

    @Test
    void messagesFromAMemberBeingRemovedAreAcceptedUntilItsRemovalIsKnownCommitted() {
        TestCluster c = leaderOf3();
        c.node("n1").proposeConfigChange(ConfigChange.of(Set.of("n1", "n2"), Set.of()));
        c.stabilize();
        c.tickAll(2);
        RaftNode n2 = c.node("n2");
        assertThat(n2.clusterConfig()).isEqualTo(ClusterConfig.of("n1", "n2"));
        long dropped = n2.droppedMessages().count(InvalidReason.NOT_A_MEMBER);
        n2.step(new VoteRequest("n3", "n2", n2.term() + 1, 100, n2.term(), true, false));
        assertThat(n2.droppedMessages().count(InvalidReason.NOT_A_MEMBER)).isEqualTo(dropped + 1);
    }

    @Test
    void aVoterThatAppendedTheConfigurationWithoutACandidateRefusesItsVote() {
        // soak seed 4341: leader n1 removes itself; n1, n2 and n3 append the configuration
        // {n2, n3}. Had it committed and n1 restarted without knowing (its commit index is not
        // durable), n1 would campaign again (a voter of the joint configuration it knows committed)
        // with a log as long as anyone's; granted by n2 and n3 (a majority of {n2, n3}), a removed
        // node would lead after its removal committed
        TestCluster c = new TestCluster(3, cfg -> cfg.withCheckQuorum(false));
        c.elect("n1");
        RaftNode n1 = c.node("n1");
        long joint = n1.proposeConfigChange(ConfigChange.of(Set.of("n2", "n3"), Set.of()));
        c.takeInFlight().forEach(c::deliver);
        c.processReady();
        c.takeInFlight().forEach(c::deliver); // the answers: the joint entry commits, n1 appends the final one
        c.processReady();
        assertThat(n1.commitIndex()).isEqualTo(joint);
        c.takeInFlight().stream().filter(m -> m instanceof AppendRequest).forEach(c::deliver);
        c.processReady();
        c.takeInFlight(); // the acknowledgements are lost
        RaftNode n2 = c.node("n2");
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(c.node(id).clusterConfig()).as(id).isEqualTo(ClusterConfig.of("n2", "n3"));
            assertThat(c.node(id).lastIndex()).as(id).isEqualTo(joint + 1);
        }

        for (boolean preVote : List.of(true, false)) {
            // n2 learns of a newer term without a leader, so no leader's lease holds its vote back
            long term = n2.term() + 1;
            n2.step(new io.raftkit.spi.message.AppendResponse("n3", "n2", term, false, 0, 0, 0));
            assertThat(n2.leaderId()).isNull();
            long asked = preVote ? term + 1 : term;
            n2.step(new VoteRequest("n1", "n2", asked, n1.lastIndex(), n1.lastTerm(), preVote, false));
            c.processReady();
            assertThat(c.takeInFlight()).as(preVote ? "pre-vote" : "vote")
                    .filteredOn(m -> m instanceof VoteResponse && m.to().equals("n1"))
                    .isNotEmpty().noneMatch(m -> ((VoteResponse) m).granted());
        }
        // a voter of the configuration in force is granted the same node's vote
        long term = n2.term() + 1;
        n2.step(new io.raftkit.spi.message.AppendResponse("n3", "n2", term, false, 0, 0, 0));
        n2.step(new VoteRequest("n3", "n2", term, n1.lastIndex(), n1.lastTerm(), false, false));
        c.processReady();
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof VoteResponse && m.to().equals("n3"))
                .singleElement().matches(m -> ((VoteResponse) m).granted());
    }

    @Test
    void aLearnerOfTheConfigurationInForceIsGrantedAVoteSinceItMayHaveBeenPromoted() {
        // soak seed 12263: n1 missed n7's promotion and holds n7 as a learner; refusing n7 (the
        // longest log, needing n1 for the new configuration's quorum) left the cluster leaderless
        TestCluster c = withLearner();
        RaftNode n2 = c.node("n2");
        RaftNode n4 = c.node("n4");
        long term = n2.term() + 1;
        n2.step(new io.raftkit.spi.message.AppendResponse("n3", "n2", term, false, 0, 0, 0)); // no leader's lease
        n2.step(new VoteRequest("n4", "n2", term, n4.lastIndex(), n4.lastTerm(), false, false));
        c.processReady();
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof VoteResponse && m.to().equals("n4"))
                .singleElement().matches(m -> ((VoteResponse) m).granted());
    }

    @Test
    void aVoterThatMissedChangesFollowsALeaderTheHostVouchesFor() {
        // soak seeds 2486, 4118: n3 was cut off while n4 joined and became leader; n3's
        // configurations name n1..n3 only. Its host (transport) knows n4 as a node of the cluster
        TestCluster c = leaderOf3();
        RaftNode n3 = c.node("n3");
        long term = n3.term() + 1;
        n3.step(new io.raftkit.spi.message.Heartbeat("n4", "n3", term, 0, 0));
        assertThat(n3.droppedMessages().count(InvalidReason.NOT_A_MEMBER)).as("unknown and not vouched for").isEqualTo(1);
        assertThat(n3.term()).isLessThan(term);

        n3.vouchFor(Set.of("n1", "n2", "n3", "n4"));
        n3.step(new VoteRequest("n4", "n3", term, 100, term - 1, false, false));
        assertThat(n3.droppedMessages().count(InvalidReason.NOT_A_MEMBER)).as("its votes stay dropped").isEqualTo(2);
        n3.step(new io.raftkit.spi.message.Heartbeat("n4", "n3", term, 0, 0));
        assertThat(n3.droppedMessages().count(InvalidReason.NOT_A_MEMBER)).isEqualTo(2);
        assertThat(n3.term()).isEqualTo(term);
        assertThat(n3.leaderId()).isEqualTo("n4");
        // someone the host does not vouch for is still an outsider
        n3.step(new io.raftkit.spi.message.Heartbeat("n9", "n3", term + 1, 0, 0));
        assertThat(n3.droppedMessages().count(InvalidReason.NOT_A_MEMBER)).isEqualTo(3);
        assertThat(n3.leaderId()).isEqualTo("n4");
    }

    @Test
    void snapshotsRecordTheConfigurationAtTheirIndex() {
        TestCluster c = withLearner();
        RaftNode n1 = c.node("n1");
        long learnerIndex = n1.configEntry().index();
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2", "n3", "n4"), Set.of()));
        c.stabilize();
        assertThat(n1.snapshotMetaAt(learnerIndex).config()).isEqualTo(
                new ClusterConfig(THREE, Set.of(), Set.of("n4"), Map.of(), ""));
        assertThat(n1.snapshotMetaAt(n1.lastIndex()).config()).isEqualTo(ClusterConfig.of("n1", "n2", "n3", "n4"));
    }

    @Test
    void aLeaderHoldingTheOnlyCopyOfTheConfigurationWithoutItCanStillCampaignToCommitIt() {
        // voters {n1, n2}, learner n3; n1 moves to voters {n2, n3}: the joint configuration needs
        // both n1 and n2 (the old half); n1 appends the final one, which reaches no one, and loses
        // leadership. n2 cannot win without n1's vote, and n1's log is longer: n1 must campaign
        TestCluster c = TestCluster.of(2);
        c.elect("n1");
        c.join("n3");
        RaftNode n1 = c.node("n1");
        n1.proposeConfigChange(ConfigChange.of(Set.of("n1", "n2"), Set.of("n3")));
        c.stabilize();
        c.tickAll(2);
        long joint = n1.proposeConfigChange(ConfigChange.of(Set.of("n2", "n3"), Set.of()));
        c.takeInFlight().forEach(c::deliver);
        c.processReady();
        c.takeInFlight().stream().filter(m -> !(m instanceof AppendRequest)).forEach(c::deliver);
        c.processReady();
        assertThat(n1.commitIndex()).isEqualTo(joint);
        assertThat(n1.clusterConfig()).isEqualTo(ClusterConfig.of("n2", "n3")); // only n1 has it
        c.isolate("n1");
        c.takeInFlight();
        c.tickAll(30); // n1 steps down (CheckQuorum); n2 cannot win without n1
        assertThat(c.leader()).isNull();
        c.heal();
        c.tickAll(100);
        String leader = c.leader();
        assertThat(leader).isIn("n2", "n3");
        assertThat(c.node(leader).clusterConfig()).isEqualTo(ClusterConfig.of("n2", "n3"));
        assertThat(c.node(leader).configChangePending()).isFalse();
    }

    @SuppressWarnings("unused")
    private static Entry entry(RaftNode n, long i) {
        return n.entryAt(i);
    }
}
