package io.raftkit.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What only a file store can get wrong: a crash between any two steps of a commit (simulated by
 * leaving exactly the files that step would leave), damaged files, a full disk, two stores on one
 * directory. Reopening must always give the old snapshot or the new one, byte for byte, and
 * damage must be reported naming the file.
 */
class FileSnapshotStoreTest {

    private static final SnapshotMeta OLD = new SnapshotMeta(100, 3, ClusterConfig.of("n1", "n2", "n3"));
    private static final SnapshotMeta NEW = new SnapshotMeta(200, 4, ClusterConfig.of("n1", "n2", "n4"));
    private static final byte[] OLD_BYTES = bytes(1, 300_000);
    private static final byte[] NEW_BYTES = bytes(2, 500_000);

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    private static byte[] bytes(long seed, int length) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static void commit(FileSnapshotStore store, SnapshotMeta meta, byte[] data) throws IOException {
        try (SnapshotSink sink = store.begin(meta)) {
            sink.write(data, 0, data.length);
            sink.commit(null);
        }
    }

    private static byte[] readAll(StoredSnapshot snapshot) throws IOException {
        try (InputStream in = snapshot.open()) {
            return in.readAllBytes();
        }
    }

    /** The directory holds the old snapshot, committed and closed, as a node that stopped cleanly leaves it. */
    private void oldSnapshotInDir() throws IOException {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            commit(store, OLD, OLD_BYTES);
        }
    }

    /** The complete file the new snapshot's commit renames into place, built in another directory. */
    private Path newSnapshotFile() throws IOException {
        try (FileSnapshotStore store = FileSnapshotStore.open(elsewhere)) {
            commit(store, NEW, NEW_BYTES);
        }
        return elsewhere.resolve(SnapshotFileFormat.fileName(NEW));
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static void assertHolds(FileSnapshotStore store, SnapshotMeta meta, byte[] data) throws IOException {
        StoredSnapshot latest = store.latest().orElseThrow();
        assertThat(latest.meta()).isEqualTo(meta);
        assertThat(readAll(latest)).isEqualTo(data);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.flip();
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b, position);
        }
    }

    // ---------------------------------------------------------------- reopening

    @Test
    void reopeningGivesTheLastCommittedSnapshot() throws IOException {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            commit(store, OLD, OLD_BYTES);
            commit(store, NEW, NEW_BYTES);
        }
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, NEW, NEW_BYTES);
            assertThat(store.latest().orElseThrow().crc32c()).isEqualTo(SnapshotFileFormat.crc32c(NEW_BYTES, 0,
                    NEW_BYTES.length));
            assertThat(store.rejected()).isEmpty();
            assertThat(files(dir, ".snap")).containsExactly(dir.resolve(SnapshotFileFormat.fileName(NEW)));
        }
    }

    // ---------------------------------------------------------------- a crash at each step of a commit

    @Test
    void crashWhileWritingLeavesATempFileThatIsDeleted() throws IOException {
        oldSnapshotInDir();
        Path temp = dir.resolve("snapshot-00000000000000000200-00000000000000000004.1.tmp");
        Files.write(temp, java.util.Arrays.copyOf(NEW_BYTES, 123_456));

        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, OLD, OLD_BYTES);
            assertThat(temp).doesNotExist();
        }
    }

    @Test
    void crashAfterTheFileIsCompleteButBeforeTheRenameKeepsTheOld() throws IOException {
        oldSnapshotInDir();
        Path temp = dir.resolve("snapshot-00000000000000000200-00000000000000000004.7.tmp");
        Files.copy(newSnapshotFile(), temp);

        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, OLD, OLD_BYTES);
            assertThat(files(dir, ".tmp")).isEmpty();
        }
    }

    @Test
    void crashAfterTheRenameBeforeTheOldOneIsDeletedGivesTheNewAndDeletesTheOld() throws IOException {
        oldSnapshotInDir();
        Files.copy(newSnapshotFile(), dir.resolve(SnapshotFileFormat.fileName(NEW)));

        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, NEW, NEW_BYTES);
            assertThat(files(dir, ".snap")).containsExactly(dir.resolve(SnapshotFileFormat.fileName(NEW)));
        }
    }

    /** Ways a new snapshot file can be damaged: each must be rejected, naming the file, with the old one kept. */
    enum Damage {
        METADATA_MISSING(f -> truncateTo(f, NEW_BYTES.length)),
        TRUNCATED_BY_ONE_BYTE(f -> truncateTo(f, size(f) - 1)),
        TRUNCATED_IN_THE_DATA(f -> truncateTo(f, NEW_BYTES.length / 2)),
        EMPTY(f -> truncateTo(f, 0)),
        FLIPPED_BYTE_IN_THE_DATA(f -> flip(f, 4321)),
        FLIPPED_BYTE_IN_THE_METADATA(f -> flip(f, NEW_BYTES.length + 5)),
        FLIPPED_BYTE_IN_THE_TRAILER(f -> flip(f, size(f) - 3)),
        GARBAGE_METADATA(f -> overwriteTail(f, bytes(9, SnapshotFileFormat.TRAILER_BYTES + 40))),
        HUGE_METADATA_LENGTH(f -> overwriteTail(f, ByteBuffer.allocate(16).putInt(0).putInt(Integer.MAX_VALUE - 7)
                .putLong(SnapshotFileFormat.MAGIC).array())),
        APPENDED_BYTE(f -> append(f, new byte[] {42}));

        final IoAction damage;

        Damage(IoAction damage) {
            this.damage = damage;
        }
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedNewSnapshotIsRejectedNamingTheFileAndTheOldOneIsKept(Damage damage) throws IOException {
        oldSnapshotInDir();
        Path file = dir.resolve(SnapshotFileFormat.fileName(NEW));
        Files.copy(newSnapshotFile(), file);
        damage.damage.run(file);

        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, OLD, OLD_BYTES);
            assertThat(store.rejected()).singleElement().satisfies(r -> {
                assertThat(r.file()).isEqualTo(file);
                assertThat(r.index()).isEqualTo(NEW.index());
                assertThat(r.reason()).contains(file.toString());
            });
            assertThat(file).as("left for inspection").exists();
            assertThat(store.toString()).contains(file.getFileName().toString());
        }
    }

    @Test
    void aDamagedOnlySnapshotLeavesNoneAndTheCoverageCheckNamesTheFile() throws IOException {
        Path file = dir.resolve(SnapshotFileFormat.fileName(NEW));
        Files.copy(newSnapshotFile(), file);
        flipByte(file, 10);

        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertThat(store.latest()).isEmpty();
            assertThatThrownBy(() -> SnapshotCoverage.require(store, NEW.index()))
                    .isInstanceOfSatisfying(MissingSnapshotException.class, e -> {
                        assertThat(e.compactedIndex()).isEqualTo(200);
                        assertThat(e.latestIndex()).isZero();
                    })
                    .hasMessageContaining("compacted through index 200")
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("checksum");
            SnapshotCoverage.require(store, 0); // a log never compacted needs no snapshot
        }
    }

    @Test
    void theCoverageCheckPassesOnlyWhenTheLatestSnapshotReachesTheCompactionPoint() throws IOException {
        oldSnapshotInDir();
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            SnapshotCoverage.require(store, 100);
            SnapshotCoverage.require(store, 50);
            assertThatThrownBy(() -> SnapshotCoverage.require(store, 101))
                    .isInstanceOf(MissingSnapshotException.class).hasMessageContaining("is at index 100");
        }
    }

    @Test
    void aFileWhoseNameDisagreesWithItsMetadataIsRejected() throws IOException {
        oldSnapshotInDir();
        Path misnamed = dir.resolve(SnapshotFileFormat.fileName(new SnapshotMeta(300, 4, ClusterConfig.EMPTY)));
        Files.copy(newSnapshotFile(), misnamed);

        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, OLD, OLD_BYTES);
            assertThat(store.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).contains("index 300"));
        }
    }

    @Test
    void filesThatAreNotSnapshotsAreLeftAlone() throws IOException {
        oldSnapshotInDir();
        Path notes = Files.writeString(dir.resolve("README.txt"), "operator notes");
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, OLD, OLD_BYTES);
            assertThat(store.rejected()).isEmpty();
        }
        assertThat(notes).exists();
    }

    // ---------------------------------------------------------------- damage found after open

    @Test
    void damageAfterOpenIsReportedByTheStreamNamingTheFile() throws IOException {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            commit(store, NEW, NEW_BYTES);
            Path file = dir.resolve(SnapshotFileFormat.fileName(NEW));
            flipByte(file, NEW_BYTES.length - 1);

            assertThatThrownBy(() -> readAll(store.latest().orElseThrow()))
                    .isInstanceOfSatisfying(CorruptSnapshotException.class, e -> assertThat(e.file()).isEqualTo(file))
                    .hasMessageContaining(file.toString()).hasMessageContaining("checksum");
        }
    }

    @Test
    void aReadOfAReplacedSnapshotFailsSayingSo() throws IOException {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            commit(store, OLD, OLD_BYTES);
            StoredSnapshot old = store.latest().orElseThrow();
            byte[] buffer = new byte[1000];
            assertThat(old.read(0, buffer, 0, 1000)).isEqualTo(1000);

            commit(store, NEW, NEW_BYTES);

            assertThatThrownBy(() -> old.read(1000, buffer, 0, 1000))
                    .isInstanceOf(IOException.class).hasMessageContaining("replaced by the snapshot at index 200");
            assertThatThrownBy(old::open).isInstanceOf(IOException.class).hasMessageContaining("replaced");
            assertThat(dir.resolve(SnapshotFileFormat.fileName(OLD))).doesNotExist();
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakReadsForTheOthers() throws Exception {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            commit(store, NEW, NEW_BYTES);
            StoredSnapshot snapshot = store.latest().orElseThrow();
            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> snapshot.read(0, new byte[100], 0, 100))
                        .isInstanceOf(java.io.InterruptedIOException.class);
            } finally {
                Thread.interrupted();
            }
            byte[] buffer = new byte[100];
            assertThat(snapshot.read(50, buffer, 0, 100)).isEqualTo(100);
            assertThat(buffer).isEqualTo(java.util.Arrays.copyOfRange(NEW_BYTES, 50, 150));
        }
    }

    // ---------------------------------------------------------------- a failing disk

    @Test
    void aFullDiskFailsTheWriteAndLeavesTheOldSnapshot() throws IOException {
        oldSnapshotInDir();
        try (FileSnapshotStore store = FileSnapshotStore.open(dir, failingAfter(200_000, false))) {
            SnapshotSink sink = store.begin(NEW);
            assertThatThrownBy(() -> {
                for (int at = 0; at < NEW_BYTES.length; at += 10_000) {
                    sink.write(NEW_BYTES, at, 10_000);
                }
            }).isInstanceOf(IOException.class).hasMessageContaining("No space left on device");
            assertThatThrownBy(() -> sink.commit(null)).isInstanceOf(IOException.class);
            sink.close();

            assertHolds(store, OLD, OLD_BYTES);
            assertThat(files(dir, ".tmp")).isEmpty();
        }
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertHolds(store, OLD, OLD_BYTES);
        }
    }

    @Test
    void aFailedSyncFailsTheCommitAndLeavesTheOldSnapshot() throws IOException {
        oldSnapshotInDir();
        try (FileSnapshotStore store = FileSnapshotStore.open(dir, failingAfter(Long.MAX_VALUE, true))) {
            try (SnapshotSink sink = store.begin(NEW)) {
                sink.write(NEW_BYTES, 0, NEW_BYTES.length);
                assertThatThrownBy(() -> sink.commit(null)).isInstanceOf(IOException.class)
                        .hasMessageContaining("Input/output error");
            }
            assertHolds(store, OLD, OLD_BYTES);
            assertThat(files(dir, ".tmp")).isEmpty();
        }
    }

    /** Temporary files that fail as a full disk does after {@code bytes}, or whose sync fails. */
    private static TempFile.Opener failingAfter(long bytes, boolean failSync) {
        return path -> {
            TempFile real = TempFile.FILES.create(path);
            return new TempFile() {
                private long written;

                @Override
                public void write(ByteBuffer src) throws IOException {
                    if (written + src.remaining() > bytes) {
                        throw new IOException("No space left on device");
                    }
                    written += src.remaining();
                    real.write(src);
                }

                @Override
                public void force() throws IOException {
                    if (failSync) {
                        throw new IOException("Input/output error");
                    }
                    real.force();
                }

                @Override
                public void close() throws IOException {
                    real.close();
                }
            };
        };
    }

    // ---------------------------------------------------------------- one store per directory

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() throws IOException {
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            assertThatThrownBy(() -> FileSnapshotStore.open(dir))
                    .isInstanceOf(IOException.class).hasMessageContaining("already in use");
        }
        FileSnapshotStore.open(dir).close(); // released on close
    }

    @Test
    void closingTheStoreDiscardsAnOpenSink() throws IOException {
        oldSnapshotInDir();
        FileSnapshotStore store = FileSnapshotStore.open(dir);
        SnapshotSink sink = store.begin(NEW);
        sink.write(NEW_BYTES, 0, 1000);
        store.close();
        assertThatThrownBy(() -> sink.commit(null)).isInstanceOf(IOException.class);
        assertThat(files(dir, ".tmp")).isEmpty();
        try (FileSnapshotStore reopened = FileSnapshotStore.open(dir)) {
            assertHolds(reopened, OLD, OLD_BYTES);
        }
    }

    // ---------------------------------------------------------------- damage helpers

    @FunctionalInterface
    interface IoAction {
        void run(Path file) throws IOException;
    }

    private static long size(Path file) throws IOException {
        return Files.size(file);
    }

    private static void truncateTo(Path file, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }

    private static void flip(Path file, long position) throws IOException {
        flipByte(file, position);
    }

    private static void overwriteTail(Path file, byte[] tail) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(tail), ch.size() - tail.length);
        }
    }

    private static void append(Path file, byte[] extra) throws IOException {
        Files.write(file, extra, StandardOpenOption.APPEND);
    }

}
