package io.raftkit.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link SnapshotStore} must keep, written once. An implementation's test
 * extends this class and says how to open a store in a directory. Randomized cases are seeded;
 * the seed is in the failure message.
 */
public abstract class SnapshotStoreContractTest {

    private static final ClusterConfig CONFIG = ClusterConfig.of("n1", "n2", "n3");

    @TempDir
    protected Path dir;

    /** The store under test, opened on {@link #dir} before each test. */
    protected SnapshotStore store;

    /** Opens the store kept in {@code dir}. */
    protected abstract SnapshotStore open(Path dir) throws IOException;

    @BeforeEach
    void openStore() throws IOException {
        store = open(dir);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------- helpers

    /** {@code length} bytes derived from {@code seed}, so two snapshots never look alike by accident. */
    protected static byte[] bytes(long seed, int length) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    protected static SnapshotMeta meta(long index, long term) {
        return new SnapshotMeta(index, term, CONFIG);
    }

    protected static int crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return (int) crc.getValue();
    }

    /** Writes {@code data} through a sink in uneven pieces and commits it. */
    protected static StoredSnapshot commit(SnapshotStore store, SnapshotMeta meta, byte[] data) throws IOException {
        try (SnapshotSink sink = store.begin(meta)) {
            writeInPieces(sink, data, new Random(meta.index()));
            return sink.commit(null);
        }
    }

    protected static void writeInPieces(SnapshotSink sink, byte[] data, Random random) throws IOException {
        int at = 0;
        while (at < data.length) {
            int n = Math.min(data.length - at, random.nextBoolean() ? random.nextInt(16) + 1 : random.nextInt(200_000));
            sink.write(data, at, n);
            at += n;
            assertThat(sink.size()).isEqualTo(at);
        }
    }

    protected static byte[] readAll(StoredSnapshot snapshot) throws IOException {
        try (InputStream in = snapshot.open()) {
            return in.readAllBytes();
        }
    }

    /** Reads the whole snapshot through {@link StoredSnapshot#read} in chunks of {@code chunk} bytes. */
    protected static byte[] readChunked(StoredSnapshot snapshot, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        long position = 0;
        int n;
        while ((n = snapshot.read(position, buffer, 0, chunk)) > 0) {
            out.write(buffer, 0, n);
            position += n;
        }
        assertThat(n).isEqualTo(-1);
        return out.toByteArray();
    }

    // ---------------------------------------------------------------- the contract

    @Test
    void aNewStoreHasNoSnapshot() {
        assertThat(store.latest()).isEmpty();
    }

    @Test
    void aCommittedSnapshotRoundTrips() throws IOException {
        byte[] data = bytes(1, 3_000_000);
        StoredSnapshot committed = commit(store, meta(42, 7), data);

        StoredSnapshot latest = store.latest().orElseThrow();
        for (StoredSnapshot s : List.of(committed, latest)) {
            assertThat(s.meta()).isEqualTo(meta(42, 7));
            assertThat(s.sizeBytes()).isEqualTo(data.length);
            assertThat(s.crc32c()).isEqualTo(crc32c(data));
            assertThat(readAll(s)).isEqualTo(data);
            assertThat(readChunked(s, 64 * 1024)).isEqualTo(data);
        }
    }

    @Test
    void anEmptySnapshotRoundTrips() throws IOException {
        commit(store, meta(5, 1), new byte[0]);
        StoredSnapshot latest = store.latest().orElseThrow();
        assertThat(latest.sizeBytes()).isZero();
        assertThat(readAll(latest)).isEmpty();
        assertThat(latest.read(0, new byte[10], 0, 10)).isEqualTo(-1);
    }

    @Test
    void theMetadataKeepsAJointConfiguration() throws IOException {
        SnapshotMeta joint = new SnapshotMeta(9, 3, new ClusterConfig(java.util.Set.of("a", "b", "c"),
                java.util.Set.of("a", "b", "d")));
        commit(store, joint, bytes(2, 100));
        assertThat(store.latest().orElseThrow().meta()).isEqualTo(joint);
    }

    @Test
    void theNewestSnapshotWins() throws IOException {
        byte[] older = bytes(1, 10_000);
        byte[] newer = bytes(2, 20_000);
        commit(store, meta(10, 1), older);
        commit(store, meta(20, 2), newer);

        assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(20);
        assertThat(readAll(store.latest().orElseThrow())).isEqualTo(newer);
    }

    @Test
    void anOlderSnapshotCommittedLaterDoesNotReplaceTheNewer() throws IOException {
        byte[] newer = bytes(2, 20_000);
        commit(store, meta(20, 2), newer);
        try (SnapshotSink sink = store.begin(meta(10, 1))) {
            sink.write(bytes(1, 100), 0, 100);
            try {
                sink.commit(null);
            } catch (IOException refused) {
                // a store may refuse it outright; either way the newer one stays
            }
        }
        assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(20);
        assertThat(readAll(store.latest().orElseThrow())).isEqualTo(newer);
    }

    @Test
    void theSameSnapshotCommittedAgainReplacesItWhole() throws IOException {
        commit(store, meta(10, 1), bytes(1, 50_000));
        byte[] again = bytes(2, 40_000);
        commit(store, meta(10, 1), again);
        assertThat(readAll(store.latest().orElseThrow())).isEqualTo(again);
        assertThat(store.latest().orElseThrow().crc32c()).isEqualTo(crc32c(again));
    }

    @Test
    void anUncommittedSnapshotIsInvisible() throws IOException {
        byte[] old = bytes(1, 1_000);
        commit(store, meta(10, 1), old);
        try (SnapshotSink sink = store.begin(meta(20, 2))) {
            sink.write(bytes(2, 5_000), 0, 5_000);
            assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(10);
            assertThat(readAll(store.latest().orElseThrow())).isEqualTo(old);
        }
    }

    @Test
    void closingASinkDiscardsIt() throws IOException {
        byte[] old = bytes(1, 1_000);
        commit(store, meta(10, 1), old);
        SnapshotSink sink = store.begin(meta(20, 2));
        sink.write(bytes(2, 5_000), 0, 5_000);
        sink.close();
        sink.close(); // idempotent

        assertThatThrownBy(() -> sink.commit(null)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sink.write(new byte[1], 0, 1)).isInstanceOf(IOException.class);
        assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(10);
        assertThat(readAll(store.latest().orElseThrow())).isEqualTo(old);
    }

    @Test
    void aSinkCannotBeUsedAfterItsCommit() throws IOException {
        SnapshotSink sink = store.begin(meta(10, 1));
        sink.write(bytes(1, 10), 0, 10);
        sink.commit(null);
        assertThatThrownBy(() -> sink.write(new byte[1], 0, 1)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sink.commit(null)).isInstanceOf(IOException.class);
        sink.close(); // after a commit, close changes nothing
        assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(10);
    }

    @Test
    void aCommitWhoseChecksumDoesNotMatchIsRefusedAndReplacesNothing() throws IOException {
        byte[] old = bytes(1, 1_000);
        commit(store, meta(10, 1), old);
        byte[] received = bytes(2, 100_000);

        try (SnapshotSink sink = store.begin(meta(20, 2))) {
            sink.write(received, 0, received.length);
            assertThatThrownBy(() -> sink.commit(crc32c(received) ^ 1))
                    .isInstanceOf(IOException.class).hasMessageContaining("checksum");
        }
        assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(10);
        assertThat(readAll(store.latest().orElseThrow())).isEqualTo(old);

        try (SnapshotSink sink = store.begin(meta(20, 2))) {
            sink.write(received, 0, received.length);
            assertThat(sink.commit(crc32c(received)).meta().index()).isEqualTo(20);
        }
        assertThat(readAll(store.latest().orElseThrow())).isEqualTo(received);
    }

    @Test
    void chunkedReadsAtArbitraryPositionsReturnTheRightBytes() throws IOException {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] data = bytes(seed, 1_000_000 + random.nextInt(1000));
        StoredSnapshot snapshot = commit(store, meta(30, 3), data);

        for (int i = 0; i < 500; i++) {
            long position = random.nextInt(data.length + 10);
            int length = random.nextInt(5) == 0 ? random.nextInt(5) : random.nextInt(300_000);
            int offset = random.nextInt(100);
            byte[] buffer = new byte[offset + length + random.nextInt(100)];
            byte[] before = buffer.clone();

            int n = snapshot.read(position, buffer, offset, length);

            String where = "seed " + seed + ", read(" + position + ", offset " + offset + ", length " + length + ")";
            if (position >= data.length) {
                assertThat(n).as(where).isEqualTo(-1);
                continue;
            }
            assertThat(n).as(where).isBetween(Math.min(length, 1), (int) Math.min(length, data.length - position));
            assertThat(Arrays.copyOfRange(buffer, offset, offset + n)).as(where)
                    .isEqualTo(Arrays.copyOfRange(data, (int) position, (int) position + n));
            assertThat(Arrays.copyOfRange(buffer, 0, offset)).as(where + ": bytes before offset")
                    .isEqualTo(Arrays.copyOfRange(before, 0, offset));
            assertThat(Arrays.copyOfRange(buffer, offset + n, buffer.length)).as(where + ": bytes after the read")
                    .isEqualTo(Arrays.copyOfRange(before, offset + n, buffer.length));
        }
        assertThat(readChunked(snapshot, 1 + random.nextInt(100_000))).as("seed " + seed).isEqualTo(data);
    }

    @Test
    void aReaderNeverSeesANewerSnapshotsBytesWhileItCommits() throws Exception {
        byte[] old = bytes(1, 4_000_000);
        StoredSnapshot reading = commit(store, meta(10, 1), old);
        ExecutorService readers = Executors.newFixedThreadPool(2);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(2);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int chunk = 32 * 1024 + r * 7;
                results.add(readers.submit(() -> {
                    started.countDown();
                    byte[] buffer = new byte[chunk];
                    long position = 0;
                    int passes = 0;
                    while (!stop.get() || passes == 0) {
                        int n;
                        try {
                            n = reading.read(position, buffer, 0, chunk);
                        } catch (IOException replaced) {
                            return "failed cleanly: " + replaced.getMessage();
                        }
                        if (n < 0) {
                            position = 0;
                            passes++;
                            continue;
                        }
                        if (!Arrays.equals(buffer, 0, n, old, (int) position, (int) position + n)) {
                            return "WRONG BYTES at " + position;
                        }
                        position += n;
                    }
                    return "read the old bytes " + passes + " times";
                }));
            }
            started.await();
            byte[] newer = bytes(2, 3_000_000);
            commit(store, meta(20, 2), newer);
            commit(store, meta(30, 3), bytes(3, 2_000_000));
            stop.set(true);

            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).doesNotContain("WRONG");
            }
            assertThat(store.latest().orElseThrow().meta().index()).isEqualTo(30);
            assertThat(readAll(store.latest().orElseThrow())).isEqualTo(bytes(3, 2_000_000));
        } finally {
            stop.set(true);
            readers.shutdown();
            assertThat(readers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aStreamOpenedBeforeANewerCommitStillReadsItsOwnBytes() throws IOException {
        byte[] old = bytes(1, 2_000_000);
        StoredSnapshot snapshot = commit(store, meta(10, 1), old);
        try (InputStream in = snapshot.open()) {
            byte[] head = in.readNBytes(1000);
            commit(store, meta(20, 2), bytes(2, 1_000_000));
            byte[] rest = in.readAllBytes();
            byte[] all = new byte[head.length + rest.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(rest, 0, all, head.length, rest.length);
            assertThat(all).isEqualTo(old);
        }
    }

    @Test
    void aClosedStoreRefusesNewSinks() {
        store.close();
        store.close(); // idempotent
        assertThatThrownBy(() -> store.begin(meta(1, 1))).isInstanceOf(IOException.class);
    }
}
