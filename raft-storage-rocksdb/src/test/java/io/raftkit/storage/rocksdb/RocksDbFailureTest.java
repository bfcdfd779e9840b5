package io.raftkit.storage.rocksdb;

import static io.raftkit.storage.rocksdb.StorageFiles.TIMEOUT;
import static io.raftkit.storage.rocksdb.StorageFiles.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Env;
import org.rocksdb.RocksDBException;
import org.rocksdb.SstFileManager;
import org.rocksdb.Status;

/** Errors, fail-stop, closing, exclusive use, group commit and metrics. */
class RocksDbFailureTest {

    @TempDir
    Path dir;

    private static List<Entry> entries(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> entry(i, 1, 100)).toList();
    }

    private static LogStorageException failure(CompletableFuture<Void> future) {
        Throwable cause = assertThat(future).failsWithin(TIMEOUT)
                .withThrowableOfType(ExecutionException.class).actual().getCause();
        assertThat(cause).isInstanceOf(LogStorageException.class);
        return (LogStorageException) cause;
    }

    // ---------------------------------------------------------------- I/O errors and a full disk

    @Test
    void aFailedSyncFailsItsWritesRollsBackAndRefusesLaterWritesUntilReopened() {
        AtomicBoolean failNext = new AtomicBoolean();
        RocksDbLogStorage.Hooks hooks = new RocksDbLogStorage.Hooks(o -> { }, real -> batch -> {
            if (failNext.getAndSet(false)) {
                throw new RocksDBException("injected", new Status(Status.Code.IOError, Status.SubCode.NoSpace,
                        "No space left on device"));
            }
            real.write(batch);
        });
        HardState before = new HardState(1, "n1", 2);
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, RocksDbLogStorageConfig.defaults(), null, hooks)) {
            storage.append(before, entries(1, 5)).join();
            failNext.set(true);
            CompletableFuture<Void> failed = storage.append(new HardState(2, "n2", 3), entries(6, 8));
            CompletableFuture<Void> queuedBehind = storage.truncateSuffix(7);

            assertThat(failure(failed).getMessage()).contains(dir.toString()).contains("NoSpace")
                    .contains("none of them is acknowledged");
            failure(queuedBehind);
            assertThat(storage.lastIndex()).isEqualTo(5);
            assertThat(storage.hardState()).isEqualTo(before);
            assertThat(storage.entries(1, 6, Long.MAX_VALUE)).isEqualTo(entries(1, 5));

            assertThat(failure(storage.append(null, entries(6, 6))).getMessage())
                    .contains("refuses writes after an earlier write failed");
            assertThat(storage.lastIndex()).isEqualTo(5);
        }
        try (RocksDbLogStorage reopened = RocksDbLogStorage.open(dir)) {
            assertThat(reopened.lastIndex()).isEqualTo(5);
            assertThat(reopened.hardState()).isEqualTo(before);
            reopened.append(null, entries(6, 6)).join();
        }
    }

    @Test
    void aFullDiskFailsWritesCleanlyAndKeepsEveryAcknowledgedEntry() throws Exception {
        // RocksDB's own space limit: when a flush would exceed it RocksDB stops taking writes
        // with an error, which is the path a full disk takes through RocksDB's error handler
        long acknowledged = 0;
        LogStorageException error = null;
        try (SstFileManager space = new SstFileManager(Env.getDefault())) {
            space.setMaxAllowedSpaceUsage(300 * 1024);
            RocksDbLogStorage.Hooks hooks = new RocksDbLogStorage.Hooks(o -> o.setSstFileManager(space), s -> s);
            RocksDbLogStorageConfig small = RocksDbLogStorageConfig.defaults().withWriteBufferBytes(64 * 1024)
                    .withReclaimSpaceOnCompact(false);
            try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, small, null, hooks)) {
                for (long i = 1; i <= 2_000 && error == null; i++) {
                    CompletableFuture<Void> f = storage.append(new HardState(1, "n1", i),
                            List.of(entry(i, 1, 4_000)));
                    try {
                        f.get(20, TimeUnit.SECONDS);
                        acknowledged = i;
                    } catch (ExecutionException e) {
                        error = (LogStorageException) e.getCause();
                    }
                }
                assertThat(error).as("the space limit was never hit").isNotNull();
                assertThat(error.getMessage()).contains(dir.toString());
                assertThat(storage.lastIndex()).isEqualTo(acknowledged);
                assertThat(storage.hardState().commit()).isEqualTo(acknowledged);
                failure(storage.append(null, List.of(entry(acknowledged + 1, 1, 10))));
            }
        }
        try (RocksDbLogStorage reopened = RocksDbLogStorage.open(dir)) {
            assertThat(reopened.lastIndex()).isGreaterThanOrEqualTo(acknowledged);
            for (Entry e : reopened.entries(1, acknowledged + 1, Long.MAX_VALUE)) {
                assertThat(e).isEqualTo(entry(e.index(), 1, 4_000));
            }
        }
    }

    // ---------------------------------------------------------------- writes that would break the commit index

    @Test
    void writesThatWouldRemoveACommittedEntryAreRejected() {
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir)) {
            assertThatThrownBy(() -> storage.append(new HardState(1, null, 4), entries(1, 3)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commit index 4");
            storage.append(new HardState(1, null, 3), entries(1, 5)).join();
            assertThatThrownBy(() -> storage.truncateSuffix(3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.append(null, entries(2, 2))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> storage.compact(new SnapshotMeta(2, 9, ClusterConfig.EMPTY)))
                    .isInstanceOf(IllegalArgumentException.class);
            storage.truncateSuffix(4).join();
            assertThat(storage.lastIndex()).isEqualTo(3);
        }
    }

    // ---------------------------------------------------------------- exclusive use

    @Test
    void aSecondOpenInTheSameProcessSaysTheDirectoryIsInUse() {
        try (RocksDbLogStorage first = RocksDbLogStorage.open(dir)) {
            assertThatThrownBy(() -> RocksDbLogStorage.open(dir))
                    .isInstanceOf(LogStorageException.class)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining(dir.toString());
            first.append(null, entries(1, 1)).join(); // the first one is unharmed
        }
    }

    @Test
    void aSecondProcessOpeningTheDirectoryIsToldItIsInUse() throws Exception {
        Process child = ChildJvm.start(HoldOpenMain.class, dir.toString());
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("OPEN");
            assertThatThrownBy(() -> RocksDbLogStorage.open(dir))
                    .isInstanceOf(LogStorageException.class)
                    .hasMessageContaining("already in use")
                    .hasMessageContaining(dir.toString());
            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isZero();
        } finally {
            child.destroyForcibly();
        }
        RocksDbLogStorage.open(dir).close(); // free again once the holder has gone
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closeFailsQueuedWritesAndEverythingThatSucceededIsDurable() {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        RocksDbLogStorage storage = RocksDbLogStorage.open(dir);
        for (long i = 1; i <= 500; i++) {
            futures.add(storage.append(null, entries(i, i)));
        }
        storage.close();
        storage.close();

        int succeeded = 0;
        for (CompletableFuture<Void> f : futures) {
            assertThat(f).isDone();
            if (!f.isCompletedExceptionally()) {
                assertThat(succeeded).as("a success after a failure").isEqualTo(futures.indexOf(f));
                succeeded++;
            } else {
                assertThat(failure(f).getMessage()).contains("closed before the write was synced");
            }
        }
        try (RocksDbLogStorage reopened = RocksDbLogStorage.open(dir)) {
            assertThat(reopened.lastIndex()).isEqualTo(succeeded);
        }
        assertThatThrownBy(() -> storage.entries(1, 1, 1)).isInstanceOf(LogStorageException.class);
    }

    @Test
    void closingFromAFutureCallbackDoesNotDeadlock() {
        RocksDbLogStorage storage = RocksDbLogStorage.open(dir);
        CompletableFuture<Void> closedInCallback = storage.append(null, entries(1, 1)).thenRun(storage::close);
        assertThat(closedInCallback).succeedsWithin(TIMEOUT);
        await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> {
            try (RocksDbLogStorage reopened = RocksDbLogStorage.open(dir)) {
                assertThat(reopened.lastIndex()).isEqualTo(1);
            }
        });
    }

    // ---------------------------------------------------------------- group commit and metrics

    @Test
    void writesQueuedDuringASyncGoOutTogetherInTheNextOne() throws Exception {
        CountDownLatch firstSyncStarted = new CountDownLatch(1);
        CountDownLatch releaseFirstSync = new CountDownLatch(1);
        AtomicInteger batches = new AtomicInteger();
        RocksDbLogStorage.Hooks hooks = new RocksDbLogStorage.Hooks(o -> { }, real -> batch -> {
            if (batches.incrementAndGet() == 1) {
                firstSyncStarted.countDown();
                try {
                    releaseFirstSync.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            real.write(batch);
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, RocksDbLogStorageConfig.defaults(), registry, hooks)) {
            List<CompletableFuture<Void>> futures = new ArrayList<>();
            futures.add(storage.append(null, entries(1, 1)));
            assertThat(firstSyncStarted.await(20, TimeUnit.SECONDS)).isTrue();
            for (long i = 2; i <= 50; i++) {
                futures.add(storage.append(new HardState(1, "n1", i - 1), entries(i, i)));
            }
            releaseFirstSync.countDown();
            futures.forEach(f -> assertThat(f).succeedsWithin(TIMEOUT));

            assertThat(batches.get()).isEqualTo(2);
            assertThat(registry.get("raft.storage.batch.writes").summary().max()).isEqualTo(49);
            assertThat(registry.get("raft.storage.append.batch.size").summary().totalAmount()).isEqualTo(50);
            assertThat(registry.get("raft.storage.sync.latency").timer().count()).isEqualTo(2);
            assertThat(registry.get("raft.storage.bytes.written").counter().count()).isGreaterThan(50 * 100);
        }
    }

    @Test
    void prefixCompactionGivesTheDiskSpaceBack() {
        RocksDbLogStorageConfig small = RocksDbLogStorageConfig.defaults().withWriteBufferBytes(256 * 1024);
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, small)) {
            for (long i = 1; i <= 2_000; i += 50) {
                List<Entry> batch = LongStream.range(i, i + 50).mapToObj(j -> entry(j, 1, 2_000)).toList();
                storage.append(null, batch).join();
            }
            await().atMost(TIMEOUT).until(() -> tableBytes() > 2_000_000);
            storage.compact(new SnapshotMeta(1_990, 1, ClusterConfig.of("a"))).join();

            await().atMost(TIMEOUT).until(() -> tableBytes() < 500_000);
            assertThat(storage.entries(1_991, 2_001, Long.MAX_VALUE)).hasSize(10);
        }
    }

    private long tableBytes() {
        return StorageFiles.files(dir, ".sst").stream().mapToLong(StorageFiles::size).sum();
    }

    @Test
    void configurationRejectsBadValuesNamingTheField() {
        assertThatThrownBy(() -> RocksDbLogStorageConfig.defaults().withMaxWriteBuffers(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWriteBuffers");
        assertThatThrownBy(() -> RocksDbLogStorageConfig.defaults().withWriteBufferBytes(10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writeBufferBytes");
        assertThat(RocksDbLogStorageConfig.defaults().sync()).isTrue();
    }
}
