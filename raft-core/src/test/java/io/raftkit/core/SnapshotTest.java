package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.SnapshotChunk;
import io.raftkit.spi.message.SnapshotResponse;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Log compaction and InstallSnapshot (Raft §7), chunked, windowed, rate limited, resumable. */
class SnapshotTest {

    private static final ClusterConfig THREE = ClusterConfig.of(List.of("n1", "n2", "n3"));

    /** n3 misses {@code n} commands while isolated; the leader n1 snapshots and compacts behind them. */
    private static TestCluster behindCompaction(int n, java.util.function.UnaryOperator<RaftConfig> tweak) {
        TestCluster c = new TestCluster(3, tweak);
        c.elect("n1");
        c.isolate("n3");
        for (int i = 0; i < n; i++) {
            c.node("n1").propose(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7});
        }
        c.stabilize();
        c.host("n1").takeSnapshot(2);
        return c;
    }

    private static List<Entry> logAfter(RaftNode n, long from) {
        return LongStream.rangeClosed(from, n.lastIndex()).mapToObj(n::entryAt).toList();
    }

    @Test
    void followerBehindTheCompactionPointCatchesUpThroughASnapshot() {
        TestCluster c = behindCompaction(30, cfg -> cfg.withSnapshotTransfer(50, 2, 0));
        long snapIndex = c.node("n1").snapshot().index();
        assertThat(c.node("n1").firstIndex()).isEqualTo(snapIndex - 1);
        c.heal();
        c.tickAll(5);
        c.node("n1").propose(new byte[] {42});
        c.stabilize();
        c.tickAll(2);

        TestCluster.Host n3 = c.host("n3");
        assertThat(n3.installed).isEqualTo(1);
        assertThat(c.node("n3").firstIndex()).isEqualTo(snapIndex + 1);
        assertThat(n3.appliedCommands()).usingRecursiveComparison().isEqualTo(c.host("n1").appliedCommands());
        assertThat(logAfter(c.node("n3"), snapIndex + 1)).isEqualTo(logAfter(c.node("n1"), snapIndex + 1));
        assertThat(c.node("n1").progress("n3").state()).isEqualTo(FollowerProgress.State.REPLICATE);
        // several chunks went, each within the chunk size
        List<SnapshotChunk> chunks = c.sent.stream().filter(m -> m instanceof SnapshotChunk)
                .map(m -> (SnapshotChunk) m).toList();
        assertThat(chunks.size()).isGreaterThan(3);
        assertThat(chunks).allSatisfy(ch -> assertThat(ch.data().length).isLessThanOrEqualTo(50));
    }

    @Test
    void atMostTheWindowOfChunksIsUnacknowledged() {
        TestCluster c = behindCompaction(30, cfg -> cfg.withSnapshotTransfer(20, 3, 0));
        c.heal();
        c.tickAll(0);
        // the heartbeat response makes n1 probe n3, which needs the snapshot
        for (int i = 0; i < 3 && c.node("n1").progress("n3").state() != FollowerProgress.State.SNAPSHOT; i++) {
            c.tick("n1", 1);
            c.processReady();
            c.deliverAll();
            c.processReady();
            c.deliverAll();
            c.processReady();
        }
        assertThat(c.node("n1").progress("n3").state()).isEqualTo(FollowerProgress.State.SNAPSHOT);
        List<Message> out = c.takeInFlight();
        assertThat(out).filteredOn(m -> m instanceof SnapshotChunk).hasSize(3)
                .extracting(m -> ((SnapshotChunk) m).offset()).containsExactly(0L, 20L, 40L);
    }

    @Test
    void theRateLimitSpreadsChunksOverTicks() {
        TestCluster c = behindCompaction(30, cfg -> cfg.withSnapshotTransfer(20, 100, 20));
        RaftNode n1 = c.node("n1");
        c.heal();
        int guard = 0;
        while (n1.progress("n3").state() != FollowerProgress.State.SNAPSHOT && guard++ < 20) {
            c.tick("n1", 1);
            c.stabilize();
        }
        // from here on, the follower acknowledges every chunk at once: only the bucket limits sending
        c.tickAll(0);
        for (int t = 0; t < 5; t++) {
            int before = (int) c.sent.stream().filter(m -> m instanceof SnapshotChunk).count();
            c.tick("n1", 1);
            c.stabilize();
            int after = (int) c.sent.stream().filter(m -> m instanceof SnapshotChunk).count();
            assertThat(after - before).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aLostChunkIsSentAgainAfterTheRetryInterval() {
        TestCluster c = behindCompaction(30, cfg -> cfg.withSnapshotTransfer(40, 2, 0));
        c.dropWhen(m -> m instanceof SnapshotChunk ch && ch.offset() == 40 && c.sent.stream()
                .filter(x -> x instanceof SnapshotChunk y && y.offset() == 40).count() == 1);
        c.isolated.clear();
        c.tickAll(c.host("n1").config.electionTicks() * 2 + 5);
        c.heal();
        c.tickAll(3);
        assertThat(c.host("n3").installed).isEqualTo(1);
        assertThat(c.sent.stream().filter(m -> m instanceof SnapshotChunk y && y.offset() == 40).count())
                .isGreaterThanOrEqualTo(2);
        assertThat(c.host("n3").appliedCommands()).usingRecursiveComparison()
                .isEqualTo(c.host("n1").appliedCommands());
    }

    @Test
    void aCorruptChunkIsDroppedAndCounted() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n2 = c.node("n2");
        SnapshotMeta meta = new SnapshotMeta(50, 1, THREE);
        byte[] data = {1, 2, 3};
        n2.step(new SnapshotChunk("n1", "n2", n2.term(), meta, 0, data, true, SnapshotChunk.crc32c(data) ^ 7, 3, 0));
        assertThat(n2.droppedMessages().count(InvalidReason.CHECKSUM_MISMATCH)).isEqualTo(1);
        assertThat(c.takeInFlight()).noneMatch(m -> m instanceof SnapshotResponse);
        assertThat(c.host("n2").installed).isZero();
    }

    @Test
    void aFollowerThatKnowsNoTransferAsksForOffsetZero() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n2 = c.node("n2");
        SnapshotMeta meta = new SnapshotMeta(50, 1, THREE);
        n2.step(chunk("n1", n2.term(), meta, 100, 10, 200));
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof SnapshotResponse).singleElement()
                .satisfies(m -> {
                    SnapshotResponse r = (SnapshotResponse) m;
                    assertThat(r.nextOffset()).isZero();
                    assertThat(r.done()).isFalse();
                });
    }

    @Test
    void aChunkOfAnotherTransferRestartsFromOffsetZero() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n2 = c.node("n2");
        SnapshotMeta first = new SnapshotMeta(50, 1, THREE);
        SnapshotMeta second = new SnapshotMeta(60, 1, THREE);
        n2.step(chunk("n1", n2.term(), first, 0, 10, 30));
        assertThat(nextOffsets(c)).containsExactly(10L);
        // the next chunk of another snapshot at offset 10 does not continue what n2 holds
        n2.step(chunk("n1", n2.term(), second, 10, 10, 30));
        assertThat(nextOffsets(c)).containsExactly(0L);
        // and the first transfer is forgotten too: its next chunk is refused
        n2.step(chunk("n1", n2.term(), first, 10, 10, 30));
        assertThat(nextOffsets(c)).containsExactly(0L);
        // a duplicate of a chunk already taken names the offset wanted
        n2.step(chunk("n1", n2.term(), second, 0, 10, 30));
        n2.step(chunk("n1", n2.term(), second, 0, 10, 30));
        assertThat(nextOffsets(c)).containsExactly(10L, 10L);
    }

    private static SnapshotChunk chunk(String from, long term, SnapshotMeta meta, long offset, int length, long size) {
        byte[] data = new byte[length];
        boolean whole = offset == 0 && length == size;
        return new SnapshotChunk(from, "n2", term, meta, offset, data, offset + length == size,
                SnapshotChunk.crc32c(data), size, whole ? SnapshotChunk.crc32c(data) : 0);
    }

    private static List<Long> nextOffsets(TestCluster c) {
        return c.takeInFlight().stream().filter(m -> m instanceof SnapshotResponse)
                .map(m -> ((SnapshotResponse) m).nextOffset()).toList();
    }

    @Test
    void aFollowerNeverInstallsASnapshotOlderThanItsCommitIndex() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        for (int i = 0; i < 5; i++) {
            c.node("n1").propose(new byte[] {(byte) i});
        }
        c.stabilize();
        c.tickAll(1);
        RaftNode n2 = c.node("n2");
        long commit = n2.commitIndex();
        long last = n2.lastIndex();
        SnapshotMeta old = new SnapshotMeta(commit - 1, n2.termAt(commit - 1), THREE);
        n2.step(chunk("n1", n2.term(), old, 0, 5, 5));
        c.processReady();
        assertThat(c.host("n2").installed).isZero();
        assertThat(n2.lastIndex()).isEqualTo(last);
        assertThat(n2.firstIndex()).isEqualTo(1);
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof SnapshotResponse).singleElement()
                .satisfies(m -> assertThat(((SnapshotResponse) m).done()).isTrue());
    }

    @Test
    void installingDiscardsALogThatConflictsWithTheSnapshot() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withSnapshotTransfer(64, 4, 0));
        c.elect("n2");
        c.node("n2").transferLeadership("n1");
        c.stabilize();
        assertThat(c.node("n1").role()).isEqualTo(Role.LEADER);
        c.isolate("n3");
        for (int i = 0; i < 30; i++) {
            c.node("n1").propose(new byte[] {(byte) i, 1, 2, 3});
        }
        c.stabilize();
        c.host("n1").takeSnapshot(2);
        // n3 holds entries of an old term that nobody committed, at the snapshot's indexes
        RaftNode n3 = c.node("n3");
        long snapIndex = c.node("n1").snapshot().index();
        long base = n3.lastIndex();
        List<Entry> stale = LongStream.rangeClosed(base + 1, snapIndex + 3)
                .mapToObj(i -> Entry.command(i, 1, new byte[] {9})).toList();
        c.host("n3").storage.append(null, stale).join();
        c.host("n3").node = new RaftNode(c.host("n3").config, c.host("n3").storage, 0, new Random(5));
        c.host("n3").state.clear();
        c.host("n3").appliedIndex = 0;
        c.host("n3").applied.clear();
        assertThat(c.node("n3").termAt(snapIndex)).isEqualTo(1);
        assertThat(c.node("n1").termAt(snapIndex)).isNotEqualTo(1);
        c.heal();
        c.tickAll(6);
        RaftNode after = c.node("n3");
        assertThat(c.host("n3").installed).isEqualTo(1);
        assertThat(after.termAt(snapIndex)).isEqualTo(c.node("n1").termAt(snapIndex));
        assertThat(logAfter(after, snapIndex + 1)).isEqualTo(logAfter(c.node("n1"), snapIndex + 1));
        assertThat(c.host("n3").storage.firstIndex()).isEqualTo(snapIndex + 1);
        assertThat(c.host("n3").appliedCommands()).usingRecursiveComparison()
                .isEqualTo(c.host("n1").appliedCommands());
    }

    @Test
    void doneIsSentOnlyOnceTheInstalledSnapshotIsDurable() {
        TestCluster c = new TestCluster(3, cfg -> cfg.withSnapshotTransfer(1 << 20, 1, 0), true);
        RaftNode n2 = c.node("n2");
        SnapshotMeta meta = new SnapshotMeta(40, 1, THREE);
        n2.step(chunk("n1", 1, meta, 0, 12, 12));
        c.processReady();
        c.processReady();
        assertThat(c.host("n2").installed).isEqualTo(1);
        assertThat(c.takeInFlight()).noneMatch(m -> m instanceof SnapshotResponse);
        c.sync("n2");
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof SnapshotResponse).singleElement()
                .satisfies(m -> assertThat(((SnapshotResponse) m).done()).isTrue());
        assertThat(c.host("n2").storage.firstIndex()).isEqualTo(41);
        assertThat(n2.commitIndex()).isEqualTo(40);
    }

    @Test
    void aSnapshotWhoseChecksumDoesNotMatchIsNotInstalledAndRestartsTheTransfer() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        RaftNode n2 = c.node("n2");
        long last = n2.lastIndex();
        c.host("n2").corruptNextCommit = true;
        n2.step(chunk("n1", n2.term(), new SnapshotMeta(40, n2.term(), THREE), 0, 12, 12));
        c.processReady();
        assertThat(c.host("n2").installed).isZero();
        assertThat(n2.lastIndex()).isEqualTo(last);
        assertThat(nextOffsets(c)).containsExactly(0L);
    }

    @Test
    void theSnapshotMetaRecordsTheTermAndConfigurationAtItsIndex() {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        c.node("n1").propose(new byte[] {1});
        c.stabilize();
        SnapshotMeta meta = c.node("n1").snapshotMetaAt(2);
        assertThat(meta.index()).isEqualTo(2);
        assertThat(meta.term()).isEqualTo(c.node("n1").termAt(2));
        assertThat(meta.config()).isEqualTo(THREE);
    }

    @Test
    void aRestartedFollowerRestoresTheSnapshotAndReplaysTheLogAfterIt() {
        TestCluster c = behindCompaction(10, cfg -> cfg);
        c.heal();
        c.tickAll(3);
        c.host("n2").takeSnapshot(1);
        c.node("n1").propose(new byte[] {77});
        c.stabilize();
        List<byte[]> before = c.host("n2").appliedCommands();
        c.crashAndRestart("n2");
        c.tickAll(3);
        assertThat(c.host("n2").appliedCommands()).usingRecursiveComparison().isEqualTo(before);
        assertThat(c.host("n2").installed).isEqualTo(1); // restored at start from its own store
    }
}
