package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.memory.InMemorySnapshotStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the snapshotter takes an automatic snapshot. */
class SnapshotterTest {

    private final Snapshotter snapshotter = new Snapshotter("n1", new InMemorySnapshotStore(),
            new ServerMetrics(null, "n1", null, List.of()), stored -> { }, Runnable::run,
            ServerConfig.defaults().withSnapshotPolicy(100, 1_000_000, 10));

    @AfterEach
    void close() {
        snapshotter.close();
    }

    @Test
    void dueAtEitherThreshold() {
        assertThat(snapshotter.due(99, 999_999)).isFalse();
        assertThat(snapshotter.due(100, 0)).isTrue();
        assertThat(snapshotter.due(0, 1_000_000)).isTrue();
    }

    @Test
    void waitsForASnapshotTransferInProgressUpToABound() {
        // the store keeps only the newest snapshot: a new one would cut the transfer off
        snapshotter.sending(true);
        assertThat(snapshotter.due(100, 0)).isFalse();
        assertThat(snapshotter.due(0, 1_000_000)).isFalse();
        long bound = Snapshotter.SENDING_THRESHOLD_FACTOR;
        assertThat(snapshotter.due(100 * bound - 1, 1_000_000 * bound - 1)).isFalse();
        assertThat(snapshotter.due(100 * bound, 0)).as("the log must not grow without bound").isTrue();
        assertThat(snapshotter.due(0, 1_000_000 * bound)).isTrue();
        snapshotter.sending(false);
        assertThat(snapshotter.due(100, 0)).isTrue();
    }

    @Test
    void aRequestedSnapshotDoesNotWaitForATransfer() {
        snapshotter.sending(true);
        snapshotter.request();
        assertThat(snapshotter.due(0, 0)).isTrue();
    }
}
