package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerConfig;
import io.raftkit.server.ServerStatus;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on real clusters (Netty, RocksDB, {@code FileSnapshotStore}): a follower that missed
 * entries the leader compacted rejoins through InstallSnapshot, a transfer cut by the leader's
 * death completes from the new leader, and the log stays bounded on disk.
 */
class SnapshotClusterTest {

    @TempDir
    Path dir;

    /**
     * Snapshots every 2,000 entries, keeping 500 in the log before each; a replication window of
     * 256 KiB, so that a leader does not send a stopped follower (whose messages the transport
     * queues until it is back) more than a fraction of what it then compacts.
     */
    private static ServerConfig config() {
        return NettyCluster.CONFIG.withSnapshotPolicy(2_000, 1L << 30, 500)
                .withMaxAppendBytes(64 * 1024)
                .withInflightWindow(4, 256 * 1024);
    }

    private static byte[] command(int i, int size) {
        byte[] head = ("m" + i + ":").getBytes(UTF_8);
        byte[] full = new byte[Math.max(size, head.length)];
        System.arraycopy(head, 0, full, 0, head.length);
        java.util.Arrays.fill(full, head.length, full.length, (byte) 'x');
        return full;
    }

    private static void write(RaftServer leader, int from, int count, int size) throws Exception {
        List<CompletableFuture<byte[]>> fs = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            fs.add(leader.submit(command(i, size)));
            if (fs.size() == 2_000) {
                CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                fs.clear();
            }
        }
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /**
     * Writes {@code count} commands through whichever node leads. What this test measures (the
     * log kept on disk) does not depend on who leads, and on a loaded machine a 300 ms election
     * timeout may move leadership mid-run: a batch that failed then is written again to the new
     * leader (an extra copy of a command only adds to the log).
     */
    private static void writeThroughAnyLeader(NettyCluster c, int count, int size) throws Exception {
        for (int from = 0; from < count; from += 2_000) {
            int n = Math.min(2_000, count - from);
            for (int attempt = 1; ; attempt++) {
                try {
                    write(c.awaitLeader(), from, n, size);
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (attempt == 5 || !(e.getCause() instanceof io.raftkit.errors.UnknownOutcomeException
                            || e.getCause() instanceof io.raftkit.errors.NotLeaderException)) {
                        throw e;
                    }
                }
            }
        }
    }

    @Test
    void aFollowerThatMissedCompactedEntriesRejoinsThroughInstallSnapshot() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir, config(), NettyTransportConfig.defaults(), true).startAll()) {
            RaftServer leader = c.awaitLeader();
            write(leader, 0, 10, 100);
            String lagger = c.others(leader.nodeId()).get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.machine(lagger).size() == 10);
            long laggerLast = c.server(lagger).status().lastIndex();
            c.stop(lagger);

            write(leader, 10, 30_000, 100);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> leader.status().firstIndex() > laggerLast + 1);
            RaftServer back = c.start(lagger);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.machine(lagger).size() == 30_010);
            assertThat(c.machine(lagger).applied()).containsExactlyElementsOf(c.machine(leader.nodeId()).applied());
            assertThat(c.machine(lagger).restores()).as("restored from a snapshot the leader sent").isPositive();
            assertThat(c.counter(lagger, "raft.snapshot.installed")).isPositive();
            assertThat(back.status().firstIndex()).isGreaterThan(laggerLast + 1);
            // and it keeps up with new writes through the log
            write(leader, 30_010, 10, 100);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.machine(lagger).size() == 30_020);
            assertThat(c.machine(lagger).applied()).containsExactlyElementsOf(c.machine(leader.nodeId()).applied());
        }
    }

    @Test
    void aTransferCutByTheLeadersDeathCompletesFromTheNewLeader() throws Exception {
        // about 24 MB of state sent at 4 MB/s: the transfer takes seconds, long enough to kill the leader in it
        ServerConfig slow = config().withSnapshotTransfer(256 * 1024, 2, 4L << 20);
        try (NettyCluster c = new NettyCluster(3, dir, slow, NettyTransportConfig.defaults(), true).startAll()) {
            RaftServer leader = c.awaitLeader();
            String lagger = c.others(leader.nodeId()).get(0);
            c.stop(lagger);
            write(leader, 0, 24_000, 1_000);
            await().atMost(Duration.ofSeconds(30)).until(() -> leader.status().firstIndex() > 1);

            c.start(lagger);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ServerStatus.InstallProgress p = leader.status().installs().get(lagger);
                return p != null && p.bytesAcked() > 0 && p.bytesAcked() < p.bytesTotal();
            });
            String oldLeader = leader.nodeId();
            c.stop(oldLeader);

            RaftServer next = c.awaitLeader(List.of(c.others(oldLeader).toArray(String[]::new)));
            await().atMost(Duration.ofSeconds(60)).until(() -> c.machine(lagger).size() >= 24_000);
            write(next, 24_000, 10, 100);
            await().atMost(Duration.ofSeconds(20)).until(() -> c.machine(lagger).size() == 24_010);
            assertThat(c.machine(lagger).applied()).containsExactlyElementsOf(c.machine(next.nodeId()).applied());
        }
    }

    @Test
    void aLongRunKeepsTheLogOnDiskBounded() throws Exception {
        try (NettyCluster c = new NettyCluster(3, dir, config(), NettyTransportConfig.defaults(), true).startAll()) {
            writeThroughAnyLeader(c, 60_000, 200);
            RaftServer leader = c.awaitLeader();
            String id = leader.nodeId();
            // the thresholds took snapshots all along: at most one every 2,000 entries, fewer when one
            // takes longer than those entries do to apply (one at a time); one more now, at the end
            assertThat(c.counter(id, "raft.snapshot.taken")).isGreaterThanOrEqualTo(5);
            long last = leader.status().lastIndex();
            SnapshotMeta taken = leader.snapshot().get(30, TimeUnit.SECONDS);
            if (taken.index() < last) { // that was one the thresholds had started: take another
                taken = leader.snapshot().get(30, TimeUnit.SECONDS);
            }
            assertThat(taken.index()).isEqualTo(last);
            await().atMost(Duration.ofSeconds(30)).until(() -> leader.status().firstIndex() == last - 500 + 1);
            long snapshot = sizeOf(c.snapshotDir(id));
            long log = sizeOf(dir.resolve(id));
            // 60,000 entries of 200 B is 12 MB of log; the log holds at most threshold + margin entries
            // (2,500 x ~230 B) plus RocksDB's write-ahead log and memtable flushes
            assertThat(snapshot).isGreaterThan(10_000_000L);
            System.out.printf("log directory %,d B, snapshot directory %,d B%n", log, snapshot);
            assertThat(log).isLessThan(2 * snapshot);
        }
    }

    private static long sizeOf(Path p) {
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // deleted meanwhile
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
