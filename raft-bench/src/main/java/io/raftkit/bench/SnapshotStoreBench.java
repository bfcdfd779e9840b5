package io.raftkit.bench;

import io.raftkit.snapshot.FileSnapshotStore;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.StoredSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Throughput of {@link FileSnapshotStore} for one large snapshot (100 MB by default), in MB/s:
 * <ul>
 *   <li>write: 64 KiB writes into a sink, then commit (footer, fsync, rename, directory fsync);
 *       the commit's share is printed separately;</li>
 *   <li>open: reopening the store, which verifies the newest snapshot's CRC32C;</li>
 *   <li>stream: reading it through {@code open()} (checksum verified), as a restore does;</li>
 *   <li>chunks: reading it with {@code read(position, ...)} in 1 MiB chunks, as a sender does.</li>
 * </ul>
 * Reads come from the page cache (the file was just written); nothing here can drop it without root.
 *
 * <pre>
 * ./mvnw -q -pl raft-core,raft-storage-rocksdb,raft-transport-netty,raft-bench package -DskipTests
 * java -cp raft-bench/target/benchmarks.jar io.raftkit.bench.SnapshotStoreBench [dir] [megabytes] [rounds]
 * </pre>
 */
public final class SnapshotStoreBench {

    private static final int WRITE_BYTES = 64 * 1024;
    private static final int CHUNK_BYTES = 1024 * 1024;
    private static final double MB = 1_000_000.0;

    private SnapshotStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path base = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")),
                "snapshot-bench-");
        long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long size = megabytes * 1_000_000;
        byte[] block = new byte[WRITE_BYTES];
        new Random(42).nextBytes(block);
        System.out.printf("SnapshotStoreBench: %d MB snapshot, %d KiB writes, %d KiB chunks, %d rounds, in %s%n%n",
                megabytes, WRITE_BYTES / 1024, CHUNK_BYTES / 1024, rounds, base);
        System.out.println("| round | write+commit MB/s | of which commit | open (verify) MB/s | stream MB/s | chunks MB/s |");
        System.out.println("|---:|---:|---:|---:|---:|---:|");
        try {
            for (int round = 1; round <= rounds; round++) {
                run(base, round, size, block);
            }
        } finally {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path dir, int round, long size, byte[] block) throws IOException {
        SnapshotMeta meta = new SnapshotMeta(round * 1_000_000L, round, ClusterConfig.of("n1", "n2", "n3"));
        long writeNanos;
        long commitNanos;
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            long start = System.nanoTime();
            try (SnapshotSink sink = store.begin(meta)) {
                long written = 0;
                while (written < size) {
                    int n = (int) Math.min(block.length, size - written);
                    block[0] = (byte) written; // not the same 64 KiB over and over
                    sink.write(block, 0, n);
                    written += n;
                }
                long beforeCommit = System.nanoTime();
                sink.commit(null);
                commitNanos = System.nanoTime() - beforeCommit;
            }
            writeNanos = System.nanoTime() - start;
        }

        long start = System.nanoTime();
        try (FileSnapshotStore store = FileSnapshotStore.open(dir)) {
            long openNanos = System.nanoTime() - start;
            StoredSnapshot snapshot = store.latest().orElseThrow();

            start = System.nanoTime();
            long streamed = 0;
            byte[] buffer = new byte[CHUNK_BYTES];
            try (InputStream in = snapshot.open()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    streamed += n;
                }
            }
            long streamNanos = System.nanoTime() - start;

            start = System.nanoTime();
            long position = 0;
            int n;
            while ((n = snapshot.read(position, buffer, 0, buffer.length)) > 0) {
                position += n;
            }
            long chunkNanos = System.nanoTime() - start;
            if (streamed != size || position != size) {
                throw new IllegalStateException("read " + streamed + " and " + position + " bytes of " + size);
            }
            System.out.printf("| %d | %.0f | %.0f ms | %.0f | %.0f | %.0f |%n", round, size / MB / (writeNanos / 1e9),
                    commitNanos / 1e6, size / MB / (openNanos / 1e9), size / MB / (streamNanos / 1e9),
                    size / MB / (chunkNanos / 1e9));
        }
    }
}
