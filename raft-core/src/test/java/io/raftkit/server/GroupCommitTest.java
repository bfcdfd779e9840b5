package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** How many storage writes the runtime makes: this is where the fsyncs, and so the speed, go. */
class GroupCommitTest {

    /** Counts writes, and writes that carry only a hard state with a new commit index. */
    static final class CountingStorage extends ForwardingLogStorage {
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger commitOnlyWrites = new AtomicInteger();
        final AtomicInteger maxBatch = new AtomicInteger();
        private HardState last;

        CountingStorage(LogStorage d) {
            super(d);
            this.last = d.hardState();
        }

        @Override
        public CompletableFuture<Void> append(HardState hs, List<Entry> entries) {
            writes.incrementAndGet();
            maxBatch.accumulateAndGet(entries.size(), Math::max);
            if (entries.isEmpty() && hs != null && last != null && hs.term() == last.term()
                    && java.util.Objects.equals(hs.votedFor(), last.votedFor())) {
                commitOnlyWrites.incrementAndGet();
            }
            if (hs != null) {
                last = hs;
            }
            return delegate.append(hs, entries);
        }
    }

    @Test
    void noNodeSyncsACommitIndexAloneAndConcurrentProposalsShareWrites() throws Exception {
        Map<String, CountingStorage> counted = new ConcurrentHashMap<>();
        try (LocalCluster c = new LocalCluster(3)) {
            c.wrapStorage = (id, s) -> counted.computeIfAbsent(id, k -> new CountingStorage(s));
            c.startAll();
            RaftServer leader = c.awaitLeader();
            // one at a time: each command's commit is news to the followers, never a write of its own
            for (int i = 0; i < 50; i++) {
                leader.submit(("s" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            }
            // many at once: they go out in far fewer writes than commands
            int before = counted.get(leader.nodeId()).writes.get();
            List<CompletableFuture<byte[]>> fs = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                fs.add(leader.submit(("b" + i).getBytes(UTF_8)));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.machines.values().stream().allMatch(m -> m.size() == 2050));
            for (CountingStorage s : counted.values()) {
                assertThat(s.commitOnlyWrites.get()).isZero();
            }
            assertThat(counted.get(leader.nodeId()).writes.get() - before).isLessThan(1000);
            assertThat(counted.get(leader.nodeId()).maxBatch.get()).isGreaterThan(1);
        }
    }

    /**
     * A leader with a log write in flight holds the commands that arrive meanwhile and proposes
     * them together once the write is durable: one append per follower, one write each, for all
     * of them. Without the hold each turn's commands left at once, and the two followers alone
     * (a quorum of three) committed them while the leader's write was still in flight.
     */
    @Test
    void commandsArrivingWhileTheLeadersWriteIsInFlightWaitForItAndShareOneWrite() throws Exception {
        Map<String, ServeFromAnyNodeTest.StallingLogStorage> disks = new ConcurrentHashMap<>();
        Map<String, CountingStorage> counted = new ConcurrentHashMap<>();
        try (LocalCluster c = new LocalCluster(3)) {
            c.wrapStorage = (id, s) -> counted.computeIfAbsent(id, k -> new CountingStorage(
                    disks.computeIfAbsent(id, k2 -> new ServeFromAnyNodeTest.StallingLogStorage(s))));
            c.startAll();
            RaftServer leader = c.awaitLeader();
            leader.submit("warm".getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
            CountingStorage leaderDisk = counted.get(leader.nodeId());
            disks.get(leader.nodeId()).stall();
            int writes = leaderDisk.writes.get();
            CompletableFuture<byte[]> first = leader.submit("first".getBytes(UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> leaderDisk.writes.get() == writes + 1);
            List<CompletableFuture<byte[]>> later = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                later.add(leader.submit(("later" + i).getBytes(UTF_8)));
            }
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                    .until(() -> leaderDisk.writes.get() == writes + 1 && later.stream().noneMatch(CompletableFuture::isDone));
            disks.get(leader.nodeId()).release();
            first.get(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(later.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(leaderDisk.maxBatch.get()).as("the ten held commands in one write").isEqualTo(10);
        }
    }
}
