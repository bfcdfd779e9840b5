package io.raftkit.core.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.SnapshotInfo;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.SnapshotMeta;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The leader's bookkeeping of one snapshot transfer: window, acknowledgements, go-back-N, retry. */
class SnapshotProgressTest {

    private static final int CHUNK = 10;

    private static Progress sending(long size) {
        Progress pr = new Progress(1, 4, 0);
        pr.becomeSnapshot(new SnapshotInfo(new SnapshotMeta(50, 2, ClusterConfig.of(List.of("n1"))), size, 7));
        return pr;
    }

    private static void send(Progress pr, int chunks) {
        for (int i = 0; i < chunks; i++) {
            pr.sentChunk(CHUNK);
        }
    }

    @Test
    void theWindowBoundsChunksInFlightAndAnAcknowledgementOpensIt() {
        Progress pr = sending(100);
        send(pr, 3);
        assertThat(pr.canSendChunk(3)).isFalse();
        pr.snapshotAcked(20, CHUNK);
        assertThat(pr.snapshotAckedOffset()).isEqualTo(20);
        assertThat(pr.snapshotChunksInFlight()).isEqualTo(1);
        assertThat(pr.canSendChunk(3)).isTrue();
    }

    @Test
    void theSameOffsetAgainWhileLaterChunksAreOutSendsAgainFromThere() {
        Progress pr = sending(100);
        send(pr, 3);
        pr.snapshotAcked(10, CHUNK);
        pr.snapshotAcked(10, CHUNK); // chunk 20 arrived before 10 and was dropped
        assertThat(pr.snapshotSentOffset()).isEqualTo(10);
        assertThat(pr.snapshotChunksInFlight()).isZero();
    }

    @Test
    void zeroAfterProgressMeansTheFollowerLostItsPartialSnapshot() {
        Progress pr = sending(100);
        send(pr, 3);
        pr.snapshotAcked(20, CHUNK);
        pr.snapshotAcked(0, CHUNK);
        assertThat(pr.snapshotSentOffset()).isZero();
        assertThat(pr.snapshotAckedOffset()).isZero();
    }

    @Test
    void anOldAnswerIsIgnored() {
        Progress pr = sending(100);
        send(pr, 4);
        pr.snapshotAcked(30, CHUNK);
        pr.snapshotAcked(20, CHUNK);
        assertThat(pr.snapshotAckedOffset()).isEqualTo(30);
        assertThat(pr.snapshotSentOffset()).isEqualTo(40);
    }

    @Test
    void chunksUnansweredForTheRetryIntervalAreSentAgainFromWhatWasConfirmed() {
        Progress pr = sending(100);
        send(pr, 3);
        pr.snapshotAcked(10, CHUNK);
        for (int t = 1; t < 5; t++) {
            assertThat(pr.snapshotTick(5)).isFalse();
        }
        assertThat(pr.snapshotTick(5)).isTrue();
        assertThat(pr.snapshotSentOffset()).isEqualTo(10);
        assertThat(pr.canSendChunk(1)).isTrue();
    }

    @Test
    void afterTheLastChunkNothingMoreIsSent() {
        Progress pr = sending(25);
        pr.sentChunk(10);
        pr.sentChunk(10);
        pr.sentChunk(5);
        assertThat(pr.canSendChunk(100)).isFalse();
    }
}
