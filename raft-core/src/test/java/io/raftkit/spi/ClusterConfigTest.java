package io.raftkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

    @Test
    void encodesLearnersAddressesAndClusterId() {
        ClusterConfig c = new ClusterConfig(Set.of("n1", "n2", "n4"), Set.of("n1", "n2", "n3"), Set.of("n5"),
                Map.of("n1", "127.0.0.1:7001", "n5", "127.0.0.1:7005"), "cafe01");
        ClusterConfig back = ClusterConfig.decode(c.encode());
        assertThat(back).isEqualTo(c);
        assertThat(back.learners()).containsExactly("n5");
        assertThat(back.addresses()).containsEntry("n5", "127.0.0.1:7005");
        assertThat(back.clusterId()).isEqualTo("cafe01");
        assertThat(back.members()).containsExactly("n1", "n2", "n3", "n4", "n5");
        assertThat(back.isVoter("n3")).isTrue();
        assertThat(back.isVoter("n5")).isFalse();
        assertThat(back.isLearner("n5")).isTrue();
    }

    @Test
    void decodesTheTwoSetFormatOfEarlierVersions() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2);
            out.writeUTF("a");
            out.writeUTF("b");
            out.writeInt(1);
            out.writeUTF("a");
        }
        ClusterConfig old = ClusterConfig.decode(bytes.toByteArray());
        assertThat(old).isEqualTo(new ClusterConfig(Set.of("a", "b"), Set.of("a")));
        assertThat(old.learners()).isEmpty();
        assertThat(old.addresses()).isEmpty();
        assertThat(old.clusterId()).isEmpty();
    }

    @Test
    void theOldConstructorsAndFactoriesLeaveTheNewFieldsEmpty() {
        assertThat(ClusterConfig.of("a", "b")).isEqualTo(new ClusterConfig(Set.of("a", "b"), Set.of(), Set.of(),
                Map.of(), ""));
    }

    @Test
    void aLearnerThatIsAlsoAVoterIsRejected() {
        assertThatThrownBy(() -> new ClusterConfig(Set.of("a"), Set.of(), Set.of("a"), Map.of(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a");
        assertThatThrownBy(() -> new ClusterConfig(Set.of("a"), Set.of("b"), Set.of("b"), Map.of(), ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] good = ClusterConfig.of("a").withClusterId("x").encode();
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> ClusterConfig.decode(bad)).isInstanceOf(IllegalArgumentException.class);
    }
}
