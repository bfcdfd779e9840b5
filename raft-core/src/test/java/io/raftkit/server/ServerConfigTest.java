package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.core.RaftConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void defaultsConvertToTicksForTheCore() {
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.electionTicks()).isEqualTo(100);
        assertThat(d.heartbeatTicks()).isEqualTo(10);
        RaftConfig core = d.toRaftConfig("n1");
        assertThat(core.electionTicks()).isEqualTo(100);
        assertThat(core.heartbeatTicks()).isEqualTo(10);
        assertThat(core.maxInflightMsgs()).isEqualTo(256);
        assertThat(core.preVote()).isTrue();
        assertThat(core.checkQuorum()).isTrue();
        assertThat(d.maxUnappliedBytes()).isEqualTo(64L << 20);
        assertThat(core.maxUnappliedBytes()).isEqualTo(64L << 20);
        assertThat(d.withMaxUnappliedBytes(4096).toRaftConfig("n1").maxUnappliedBytes()).isEqualTo(4096);
        assertThat(d.withMaxUnappliedBytes(4096).withPreVote(false).maxUnappliedBytes()).as("kept by withers").isEqualTo(4096);
    }

    @Test
    void durationsRoundUpToWholeTicks() {
        ServerConfig c = ServerConfig.defaults().withTick(Duration.ofMillis(7))
                .withTimeouts(Duration.ofMillis(100), Duration.ofMillis(20));
        assertThat(c.electionTicks()).isEqualTo(15);
        assertThat(c.heartbeatTicks()).isEqualTo(3);
    }

    @Test
    void invalidSettingsAreRefusedNamingTheField() {
        ServerConfig d = ServerConfig.defaults();
        assertThatThrownBy(() -> d.withTick(Duration.ZERO)).hasMessageContaining("tick must be positive");
        assertThatThrownBy(() -> d.withTick(Duration.ofNanos(10))).hasMessageContaining("tick must be at least 1 ms");
        assertThatThrownBy(() -> d.withTimeouts(Duration.ofMillis(100), Duration.ofMillis(100)))
                .hasMessageContaining("electionTimeout").hasMessageContaining("heartbeatInterval");
        assertThatThrownBy(() -> d.withHeartbeatInterval(Duration.ofMillis(1)))
                .hasMessageContaining("heartbeatInterval").hasMessageContaining("at least one tick");
        assertThatThrownBy(() -> d.withMaxBatchEntries(0)).hasMessageContaining("maxBatchEntries");
        assertThatThrownBy(() -> d.withMaxPendingRequests(0)).hasMessageContaining("maxPendingRequests");
        assertThatThrownBy(() -> d.withMaxPendingBytes(d.maxAppendBytes() - 1)).hasMessageContaining("maxPendingBytes")
                .hasMessageContaining("maxAppendBytes");
        assertThat(d.withMaxPendingBytes(d.maxAppendBytes()).maxPendingBytes()).isEqualTo(d.maxAppendBytes());
        assertThatThrownBy(() -> d.withInflightWindow(0, 0)).hasMessageContaining("maxInflightAppends");
        assertThatThrownBy(() -> d.withInflightWindow(1, -1)).hasMessageContaining("maxInflightBytes");
        assertThatThrownBy(() -> d.withApplyBatchBytes(0)).hasMessageContaining("applyBatchBytes");
        assertThatThrownBy(() -> d.withMaxUnappliedBytes(0)).hasMessageContaining("maxUnappliedBytes");
        assertThatThrownBy(() -> d.withMaxAppendBytes(0)).hasMessageContaining("maxAppendBytes");
        assertThatThrownBy(() -> d.withRequestTimeout(Duration.ofSeconds(-1))).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> d.withRequestTimeout(null)).hasMessageContaining("requestTimeout");
    }

    @Test
    void snapshotSettingsAreValidatedAndTheRateBecomesBytesPerTick() {
        ServerConfig d = ServerConfig.defaults();
        assertThat(d.snapshotThresholdEntries()).isEqualTo(100_000);
        assertThat(d.compactionMarginEntries()).isEqualTo(5_000);
        assertThatThrownBy(() -> d.withSnapshotPolicy(0, 1, 0)).hasMessageContaining("snapshotThresholdEntries");
        assertThatThrownBy(() -> d.withSnapshotPolicy(1, 0, 0)).hasMessageContaining("snapshotThresholdBytes");
        assertThatThrownBy(() -> d.withSnapshotPolicy(1, 1, -1)).hasMessageContaining("compactionMarginEntries");
        assertThatThrownBy(() -> d.withSnapshotTransfer(0, 1, 0)).hasMessageContaining("snapshotChunkBytes");
        assertThatThrownBy(() -> d.withSnapshotTransfer(1, 0, 0)).hasMessageContaining("snapshotChunksInFlight");
        assertThatThrownBy(() -> d.withSnapshotTransfer(1, 1, -1)).hasMessageContaining("installMaxBytesPerSecond");
        assertThatThrownBy(() -> d.withSnapshotTransfer(1, 1, 10)).hasMessageContaining("installMaxBytesPerSecond")
                .hasMessageContaining("one byte per tick");
        // 10 ms ticks: 1 MB/s is 10,000 bytes per tick
        assertThat(d.withSnapshotTransfer(4096, 2, 1_000_000).toRaftConfig("n1").snapshotBytesPerTick())
                .isEqualTo(10_000);
        assertThat(d.withSnapshotTransfer(4096, 2, 0).toRaftConfig("n1").snapshotBytesPerTick()).isZero();
        assertThat(d.withSnapshotTransfer(4096, 3, 0).toRaftConfig("n1").snapshotChunksInFlight()).isEqualTo(3);
    }
}
