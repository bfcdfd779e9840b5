package io.raftkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterIdTest {

    @Test
    void theOrderMembersAreListedInDoesNotMatter() {
        assertThat(ClusterId.derive("ledger", List.of("n1", "n2", "n3")))
                .isEqualTo(ClusterId.derive("ledger", List.of("n3", "n1", "n2")))
                .startsWith("ledger-")
                .hasSize("ledger-".length() + 16);
    }

    @Test
    void anotherMemberListOrNameIsAnotherCluster() {
        String id = ClusterId.derive("ledger", List.of("n1", "n2", "n3"));
        assertThat(ClusterId.derive("ledger", List.of("n1", "n2", "n4"))).isNotEqualTo(id);
        assertThat(ClusterId.derive("ledger", List.of("n1", "n2"))).isNotEqualTo(id);
        assertThat(ClusterId.derive("ledger2", List.of("n1", "n2", "n3"))).isNotEqualTo(id);
        // Boundaries between ids count: "n1n2" is not "n1" and "n2".
        assertThat(ClusterId.derive("c", List.of("n1n2"))).isNotEqualTo(ClusterId.derive("c", List.of("n1", "n2")));
    }

    @Test
    void aNameAndMembersAreRequired() {
        assertThatThrownBy(() -> ClusterId.derive(" ", List.of("n1"))).hasMessageContaining("name");
        assertThatThrownBy(() -> ClusterId.derive("c", List.of())).hasMessageContaining("member");
    }
}
