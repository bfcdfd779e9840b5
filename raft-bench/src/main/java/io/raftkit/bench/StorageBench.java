package io.raftkit.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.storage.rocksdb.RocksDbLogStorage;
import io.raftkit.storage.rocksdb.RocksDbLogStorageConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Append throughput of {@link RocksDbLogStorage} with 100-byte entries, next to the raw
 * {@code fdatasync} rate of the same disk, so each figure reads as a fraction of what the disk allows.
 *
 * <p>For batch sizes 1, 16 and 256 it runs two callers: "sequential" waits for each append before
 * the next (one sync per append: the disk's sync rate is the ceiling), and "pipelined" keeps 64
 * appends in flight, as the Raft loop does, so group commit can merge them into fewer syncs.
 *
 * <pre>
 * ./mvnw -q -pl raft-core,raft-storage-rocksdb,raft-bench package -DskipTests
 * java -cp raft-bench/target/benchmarks.jar io.raftkit.bench.StorageBench [dir] [seconds per case]
 * </pre>
 */
public final class StorageBench {

    private static final int ENTRY_BYTES = 100;
    private static final int PIPELINE = 64;

    private StorageBench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // keep the table readable
        Path base = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")),
                "storage-bench-");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        System.out.printf("StorageBench: %d-byte entries, %.1f s per case, in %s%n%n", ENTRY_BYTES, seconds, base);

        double rawSyncs = rawFdatasync(base.resolve("raw.dat"), seconds);
        System.out.printf("raw FileChannel.force(false) loop (100-byte appends): %.0f fdatasync/s%n%n", rawSyncs);

        System.out.println("| batch | caller | entries/s | appends/s | syncs/s | syncs / raw fdatasync | mean sync |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        for (int batch : new int[] {1, 16, 256}) {
            for (int inFlight : new int[] {1, PIPELINE}) {
                run(base.resolve("b" + batch + "-p" + inFlight), batch, inFlight, seconds, rawSyncs);
            }
        }
        rawSyncs = rawFdatasync(base.resolve("raw2.dat"), seconds);
        System.out.printf("%nraw fdatasync again, after the runs: %.0f /s%n", rawSyncs);
        try (var files = Files.walk(base)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static double rawFdatasync(Path file, double seconds) throws IOException {
        ByteBuffer record = ByteBuffer.allocate(ENTRY_BYTES);
        long syncs = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (System.nanoTime() < end) {
                record.clear();
                ch.write(record);
                ch.force(false); // fdatasync(2)
                syncs++;
            }
        }
        Files.delete(file);
        return syncs / ((System.nanoTime() - start) / 1e9);
    }

    private static void run(Path dir, int batch, int inFlight, double seconds, double rawSyncs) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        byte[] payload = new byte[ENTRY_BYTES - 24]; // Entry.sizeBytes() counts 24 bytes of header
        long appends = 0;
        long next = 1;
        long elapsed;
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir, RocksDbLogStorageConfig.defaults(), registry)) {
            ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                if (pending.size() >= inFlight) {
                    pending.poll().join();
                }
                List<Entry> entries = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    entries.add(Entry.command(next + i, 1, payload));
                }
                pending.add(storage.append(new HardState(1, "n1", next - 1), entries));
                next += batch;
                appends++;
            }
            pending.forEach(CompletableFuture::join);
            elapsed = System.nanoTime() - start;
        }
        double secs = elapsed / 1e9;
        var syncTimer = registry.get("raft.storage.sync.latency").timer();
        double syncsPerSecond = syncTimer.count() / secs;
        System.out.printf("| %d | %s | %,.0f | %,.0f | %,.0f | %.0f%% | %.2f ms |%n", batch,
                inFlight == 1 ? "sequential" : "pipelined (" + inFlight + " in flight)",
                appends * batch / secs, appends / secs, syncsPerSecond, 100 * syncsPerSecond / rawSyncs,
                syncTimer.mean(java.util.concurrent.TimeUnit.MILLISECONDS));
    }
}
