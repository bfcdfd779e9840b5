package io.raftkit.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerConfig;
import io.raftkit.snapshot.FileSnapshotStore;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import io.raftkit.storage.rocksdb.RocksDbLogStorage;
import io.raftkit.transport.netty.NettyTransport;
import io.raftkit.transport.netty.NettyTransportConfig;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The figures issue 10 asks for, on a real 3-node cluster in this JVM (Netty on 127.0.0.1,
 * RocksDB logs with sync, {@link FileSnapshotStore}s):
 * <ol>
 *   <li>a state of about 100 MB (100,000 values of 1 KB): time to capture, time to write, the
 *       longest pause between two applies on the leader while the snapshot is taken under load,
 *       and the install throughput to a follower that missed the compacted entries, with the
 *       default rate limit (128 MiB/s) and with none;</li>
 *   <li>a follower that missed 1,000,000 entries (100 B): the time until it has caught up, and
 *       the leader's log directory before and after compaction.</li>
 * </ol>
 * <pre>
 * ./mvnw -q -pl raft-bench -am package -DskipTests
 * java -Xmx4g -cp raft-bench/target/benchmarks.jar io.raftkit.bench.SnapshotFigures [dir] [state|missed|all]
 * </pre>
 */
public final class SnapshotFigures {

    private static final double MB = 1_000_000.0;

    private SnapshotFigures() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory(Path.of(args.length > 0 ? args[0] : "/tmp"), "snapshot-figures");
        String which = args.length > 1 ? args[1] : "all";
        try {
            if (!which.equals("missed")) {
                bigState(root.resolve("limited"), 128L << 20);
                bigState(root.resolve("unlimited"), 0);
            }
            if (!which.equals("state")) {
                missedMillion(root.resolve("million"));
            }
        } finally {
            deleteTree(root);
        }
    }

    // ------------------------------------------------------------------------------ 100 MB of state

    private static void bigState(Path dir, long rateLimit) throws Exception {
        ServerConfig config = ServerConfig.defaults()
                .withSnapshotPolicy(1L << 40, 1L << 50, 1_000) // only on demand
                .withSnapshotTransfer(1 << 20, 4, rateLimit);
        try (Cluster c = new Cluster(dir, config)) {
            RaftServer leader = c.awaitLeader();
            String follower = c.others(leader.nodeId()).get(0);
            c.stop(follower);
            long start = System.nanoTime();
            write(leader, 100_000, 1_000);
            System.out.printf("state: 100,000 x 1 KB values written in %.1f s%n", (System.nanoTime() - start) / 1e9);

            // snapshot under a steady trickle of writes, watching the gaps between applies
            MapStateMachine sm = c.machine(leader.nodeId());
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> {
                try {
                    write(leader, 5_000, 1_000, 100_000, 50);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            await(() -> sm.applies() > 100_500, Duration.ofSeconds(30));
            sm.resetMaxGap();
            Thread.sleep(1_000); // the same trickle without a snapshot: the baseline gap
            long baselineGap = sm.maxGapNanos();
            sm.resetMaxGap();
            long t0 = System.nanoTime();
            SnapshotMeta meta = leader.snapshot().get(120, TimeUnit.SECONDS);
            long snapshotNanos = System.nanoTime() - t0;
            long gapDuringSnapshot = sm.maxGapNanos();
            trickle.get(120, TimeUnit.SECONDS);
            Timer pause = c.registry(leader.nodeId()).find("raft.snapshot.capture.pause").timer();
            Timer duration = c.registry(leader.nodeId()).find("raft.snapshot.duration").timer();
            long size = leader.snapshotStore().latest().orElseThrow().sizeBytes();
            System.out.printf("snapshot at index %d: %.1f MB; capture (apply paused) %.1f ms; capture to durable %.0f ms"
                            + " (%.0f ms from the call); longest gap between two applies meanwhile %.1f ms"
                            + " (in the second before, without a snapshot: %.1f ms)%n",
                    meta.index(), size / MB, pause.max(TimeUnit.NANOSECONDS) / 1e6,
                    duration.max(TimeUnit.NANOSECONDS) / 1e6, snapshotNanos / 1e6, gapDuringSnapshot / 1e6,
                    baselineGap / 1e6);

            await(() -> leader.status().firstIndex() > 1_000, Duration.ofSeconds(30));
            long t1 = System.nanoTime();
            RaftServer back = c.start(follower);
            await(() -> back.status().appliedIndex() >= meta.index(), Duration.ofSeconds(300));
            double secs = (System.nanoTime() - t1) / 1e9;
            System.out.printf("install (rate limit %s): %.1f MB in %.2f s from the follower's restart = %.1f MB/s%n",
                    rateLimit == 0 ? "none" : (rateLimit >> 20) + " MiB/s", size / MB, secs, size / MB / secs);
        }
    }

    // ------------------------------------------------------------------------------ 1,000,000 entries missed

    private static void missedMillion(Path dir) throws Exception {
        ServerConfig config = ServerConfig.defaults().withSnapshotPolicy(1L << 40, 1L << 50, 5_000);
        try (Cluster c = new Cluster(dir, config)) {
            RaftServer leader = c.awaitLeader();
            String follower = c.others(leader.nodeId()).get(0);
            c.stop(follower);
            long start = System.nanoTime();
            write(leader, 1_000_000, 100);
            System.out.printf("missed: 1,000,000 x 100 B entries written in %.1f s%n", (System.nanoTime() - start) / 1e9);
            long before = sizeOf(dir.resolve(leader.nodeId()));
            SnapshotMeta meta = leader.snapshot().get(120, TimeUnit.SECONDS);
            await(() -> leader.status().firstIndex() > 1_000, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long after = sizeOf(dir.resolve(leader.nodeId()));
            while (after > before / 4 && System.nanoTime() < deadline) { // RocksDB reclaims the range in the background
                Thread.sleep(500);
                after = sizeOf(dir.resolve(leader.nodeId()));
            }
            System.out.printf("leader's log directory: %.1f MB before compaction, %.1f MB after (snapshot %.1f MB)%n",
                    before / MB, after / MB, sizeOf(c.snapshotDir(leader.nodeId())) / MB);
            long t1 = System.nanoTime();
            RaftServer back = c.start(follower);
            long target = leader.status().commitIndex();
            await(() -> back.status().appliedIndex() >= target, Duration.ofSeconds(600));
            System.out.printf("the follower that missed 1,000,000 entries caught up (snapshot at %d) in %.2f s%n",
                    meta.index(), (System.nanoTime() - t1) / 1e9);
        }
    }

    // ------------------------------------------------------------------------------ helpers

    private static void write(RaftServer leader, int count, int size) throws Exception {
        write(leader, count, size, 0, 0);
    }

    private static void write(RaftServer leader, int count, int size, int firstKey, long pauseMicros) throws Exception {
        List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ByteBuffer b = ByteBuffer.allocate(size);
            b.putInt(firstKey + i);
            inFlight.add(leader.submit(b.array()));
            if (inFlight.size() == (pauseMicros > 0 ? 1 : 2_000)) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                inFlight.clear();
                if (pauseMicros > 0) {
                    TimeUnit.MICROSECONDS.sleep(pauseMicros); // a steady trickle, not a flood
                }
            }
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    private static void await(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + max);
            }
            Thread.sleep(20);
        }
    }

    private static long sizeOf(Path p) {
        try (Stream<Path> files = Files.walk(p)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> files = Files.walk(p)) {
            for (Path f : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /** A map of int keys to values; captures a shallow copy (the values are never mutated). */
    static final class MapStateMachine implements StateMachine {
        private final Map<Integer, byte[]> map = new HashMap<>();
        private long applies;
        private long lastApply;
        private long maxGap;

        @Override
        public synchronized byte[] apply(long index, byte[] command) {
            long now = System.nanoTime();
            if (lastApply != 0) {
                maxGap = Math.max(maxGap, now - lastApply);
            }
            lastApply = now;
            applies++;
            map.put(ByteBuffer.wrap(command).getInt(), command);
            return new byte[0];
        }

        @Override
        public synchronized byte[] query(byte[] query) {
            return ByteBuffer.allocate(4).putInt(map.size()).array();
        }

        synchronized long applies() {
            return applies;
        }

        synchronized void resetMaxGap() {
            maxGap = 0;
            lastApply = 0;
        }

        synchronized long maxGapNanos() {
            return maxGap;
        }

        @Override
        public synchronized StateSnapshot captureSnapshot() {
            Map<Integer, byte[]> frozen = new HashMap<>(map);
            return out -> {
                DataOutputStream data = new DataOutputStream(out);
                data.writeInt(frozen.size());
                for (Map.Entry<Integer, byte[]> e : frozen.entrySet()) {
                    data.writeInt(e.getKey());
                    data.writeInt(e.getValue().length);
                    data.write(e.getValue());
                }
                data.flush();
            };
        }

        @Override
        public void restoreSnapshot(InputStream in, long index) throws IOException {
            DataInputStream data = new DataInputStream(in);
            int n = data.readInt();
            Map<Integer, byte[]> restored = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                int key = data.readInt();
                restored.put(key, data.readNBytes(data.readInt()));
            }
            synchronized (this) {
                map.clear();
                map.putAll(restored);
            }
        }
    }

    /** Three nodes in this JVM, each with its own log, snapshot store and registry. */
    private static final class Cluster implements AutoCloseable {
        private final Path root;
        private final ServerConfig config;
        private final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        private final Map<String, RaftServer> servers = new HashMap<>();
        private final Map<String, MapStateMachine> machines = new HashMap<>();
        private final Map<String, SimpleMeterRegistry> registries = new HashMap<>();

        Cluster(Path root, ServerConfig config) throws IOException {
            this.root = root;
            this.config = config;
            for (int i = 1; i <= 3; i++) {
                try (ServerSocket s = new ServerSocket(0)) {
                    members.put("n" + i, new InetSocketAddress("127.0.0.1", s.getLocalPort()));
                }
            }
            for (String id : members.keySet()) {
                start(id);
            }
        }

        RaftServer start(String id) throws IOException {
            MapStateMachine sm = new MapStateMachine();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RaftServer s = RaftServer.builder()
                    .nodeId(id)
                    .members(members)
                    .transport(new NettyTransport(NettyTransportConfig.defaults()))
                    .logStorage(RocksDbLogStorage.open(root.resolve(id)))
                    .snapshotStore(FileSnapshotStore.open(snapshotDir(id)))
                    .stateMachine(sm)
                    .config(config)
                    .meterRegistry(registry)
                    .build()
                    .start();
            servers.put(id, s);
            machines.put(id, sm);
            registries.put(id, registry);
            return s;
        }

        Path snapshotDir(String id) {
            return root.resolve(id + "-snapshots");
        }

        void stop(String id) {
            RaftServer s = servers.remove(id);
            if (s != null) {
                s.close();
            }
        }

        MapStateMachine machine(String id) {
            return machines.get(id);
        }

        SimpleMeterRegistry registry(String id) {
            return registries.get(id);
        }

        List<String> others(String id) {
            return members.keySet().stream().filter(x -> !x.equals(id)).toList();
        }

        RaftServer awaitLeader() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (RaftServer s : servers.values()) {
                    if (s.status().isLeader()) {
                        return s;
                    }
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("no leader within 30 s");
        }

        @Override
        public void close() {
            for (String id : new ArrayList<>(servers.keySet())) {
                stop(id);
            }
        }
    }
}
