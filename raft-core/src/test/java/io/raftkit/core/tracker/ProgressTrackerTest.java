package io.raftkit.core.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.quorum.VoteResult;
import io.raftkit.spi.ClusterConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

    private static ProgressTracker tracker(ClusterConfig config) {
        return new ProgressTracker("a", config, 16, 1 << 20);
    }

    @Test
    void setConfigKeepsProgressOfMembersThatStayAddsNewOnesAndDropsRemovedOnes() {
        ProgressTracker t = tracker(ClusterConfig.of("a", "b", "c"));
        t.get("b").maybeUpdate(7);
        Progress c = t.get("c");
        t.setConfig(new ClusterConfig(Set.of("a", "b", "d"), Set.of(), Set.of("e"), Map.of(), ""), 11);
        assertThat(t.all().keySet()).containsExactlyInAnyOrder("a", "b", "d", "e");
        assertThat(t.get("b").match()).isEqualTo(7);
        assertThat(t.get("d").next()).isEqualTo(11);
        assertThat(t.get("e").next()).isEqualTo(11);
        assertThat(t.get("c")).isNull();
        assertThat(c).isNotNull();
    }

    @Test
    void theLocalNodeKeepsItsProgressWhenItIsNotAMember() {
        ProgressTracker t = tracker(ClusterConfig.of("a", "b", "c"));
        t.get("a").maybeUpdate(5);
        t.setConfig(ClusterConfig.of("b", "c"), 9);
        assertThat(t.get("a").match()).isEqualTo(5);
        assertThat(t.isVoter("a")).isFalse();
    }

    @Test
    void learnersNeverCountForCommitVotesOrQuorum() {
        ProgressTracker t = tracker(new ClusterConfig(Set.of("a", "b", "c"), Set.of(), Set.of("d", "e"), Map.of(), ""));
        t.get("a").maybeUpdate(10);
        t.get("d").maybeUpdate(10);
        t.get("e").maybeUpdate(10);
        assertThat(t.committedIndex()).isZero();
        t.recordVote("a", true);
        t.recordVote("d", true);
        t.recordVote("e", true);
        assertThat(t.tallyVotes()).isEqualTo(VoteResult.PENDING);
        assertThat(t.isQuorum(id -> !id.equals("b") && !id.equals("c"))).isFalse();
        assertThat(t.isVoter("d")).isFalse();
    }

    @Test
    void aJointConfigurationNeedsAMajorityOfBothHalves() {
        ProgressTracker t = tracker(new ClusterConfig(Set.of("a", "d", "e"), Set.of("a", "b", "c"), Set.of(),
                Map.of(), ""));
        t.get("a").maybeUpdate(10);
        t.get("d").maybeUpdate(10);
        t.get("e").maybeUpdate(10);
        assertThat(t.committedIndex()).isZero(); // a majority of the new half only
        t.get("b").maybeUpdate(8);
        assertThat(t.committedIndex()).isEqualTo(8);
        t.recordVote("a", true);
        t.recordVote("d", true);
        t.recordVote("e", true);
        assertThat(t.tallyVotes()).isEqualTo(VoteResult.PENDING);
        t.recordVote("c", true);
        assertThat(t.tallyVotes()).isEqualTo(VoteResult.WON);
    }
}
