package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.spi.ClusterConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What {@link MembershipChecker} counts as a removal, and what it then forbids. */
class MembershipCheckerTest {

    private final MembershipChecker checker = new MembershipChecker(1, 100);

    private static ClusterConfig withLearner(String learner) {
        return new ClusterConfig(Set.of("n1", "n2", "n3"), Set.of(), Set.of(learner), Map.of(), "");
    }

    @Test
    void aMemberOfACommittedConfigurationLeftOutOfALaterFinalOneIsRemoved() {
        checker.applying("n1", 1, 1, ClusterConfig.of("n1", "n2", "n3"));
        checker.applying("n1", 5, 2, withLearner("n4"));
        checker.applying("n1", 9, 3, ClusterConfig.of("n1", "n2", "n3"));

        assertThatThrownBy(() -> checker.becameLeader("n4", 3)).isInstanceOf(SafetyViolation.class)
                .hasMessageContaining("n4 won the election of term 3 after its removal");
        assertThatThrownBy(() -> checker.becameLeader("n4", 7)).isInstanceOf(SafetyViolation.class);
        // a paused candidate may complete an election of a term before its removal: it commits nothing
        assertThatCode(() -> checker.becameLeader("n4", 2)).doesNotThrowAnyException();
    }

    @Test
    void aNodeWhoseAdditionNeverCommittedWasNeverRemoved() {
        // soak seeds 2961 and 15510: a leader proposed adding n4 and lost leadership; a stale leader's
        // configuration without n4 said nothing; the entry later committed and n4 led, legitimately
        checker.applying("n1", 1, 1, ClusterConfig.of("n1", "n2", "n3"));
        checker.applying("n1", 9, 3, ClusterConfig.of("n1", "n2", "n3"));
        checker.applying("n1", 12, 4, withLearner("n4"));

        assertThatCode(() -> checker.becameLeader("n4", 5)).doesNotThrowAnyException();
    }
}
