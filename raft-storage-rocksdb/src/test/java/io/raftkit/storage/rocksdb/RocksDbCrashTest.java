package io.raftkit.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.spi.Entry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing process with SIGKILL at random moments, many times over the same directory,
 * and checks after each kill that every entry the process saw acknowledged is present and
 * intact. A process kill keeps what reached the OS page cache, so this checks that futures
 * complete only after RocksDB has the write, and that recovery after a kill at any point
 * (including during start-up and compaction) loses and damages nothing; it cannot show that
 * the data would also survive a power loss, which rests on the sync RocksDB does.
 *
 * <p>Rounds: {@code -Dcrash.rounds=N} (the soak profile raises it); replay: {@code -Draftkit.seed=S}.
 */
class RocksDbCrashTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedEntrySurvivesSigkillAtRandomMoments() throws Exception {
        int rounds = Integer.getInteger("crash.rounds", 40);
        Long fixed = Long.getLong("raftkit.seed");
        long seed = fixed != null ? fixed : System.nanoTime();
        Random random = new Random(seed);
        TreeMap<Long, Long> acknowledged = new TreeMap<>(); // last index of an acknowledged write -> its term
        long started = System.nanoTime();
        long killedBeforeReady = 0;
        // the highest index a process has seen durable: acknowledged, or found on disk at start-up
        // (a kill between a sync and its ACK line leaves entries a later process finds and may compact)
        long knownDurable = 0;
        for (int round = 0; round < rounds; round++) {
            String where = "seed " + seed + " (replay with -Draftkit.seed=" + seed + "), round " + round;
            Process child = ChildJvm.start(CrashChildMain.class, dir.toString(), Long.toString(random.nextLong()));
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Thread reader = readLines(child, lines);
            try {
                if (random.nextInt(100) < 15) {
                    killedBeforeReady++;
                    // a kill while the JVM starts or the log recovers; the child must not exit by itself
                    assertThat(child.waitFor(random.nextInt(700), TimeUnit.MILLISECONDS))
                            .as(where + ": the child died on its own: " + lines).isFalse();
                } else {
                    await().atMost(Duration.ofSeconds(60)).until(() -> !lines.isEmpty() || !child.isAlive());
                    assertThat(child.isAlive()).as(where + ": the child died on its own: " + lines).isTrue();
                    // the random moment of the kill, while the child appends
                    assertThat(child.waitFor(random.nextInt(400), TimeUnit.MILLISECONDS))
                            .as(where + ": the child died on its own: " + lines).isFalse();
                }
            } finally {
                child.destroyForcibly(); // SIGKILL on Linux
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as(where).isTrue();
                reader.join(TimeUnit.SECONDS.toMillis(60));
            }
            for (String line : lines) {
                String[] parts = line.split(" ");
                if (parts[0].equals("ACK")) {
                    acknowledged.put(Long.parseLong(parts[1]), Long.parseLong(parts[2]));
                }
            }
            knownDurable = Math.max(knownDurable, verify(where, acknowledged, knownDurable));
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.printf("crash test: %d SIGKILL rounds (%d before the log was open), %d acknowledged writes, "
                        + "last acknowledged index %d, in %.1f s (seed %d)%n", rounds, killedBeforeReady,
                acknowledged.size(), acknowledged.isEmpty() ? 0 : acknowledged.lastKey(), millis / 1000.0, seed);
        assertThat(acknowledged).as("no write was ever acknowledged: the test proved nothing").isNotEmpty();
    }

    /** Checks the log after a kill and returns its last index. */
    private long verify(String where, TreeMap<Long, Long> acknowledged, long knownDurable) {
        try (RocksDbLogStorage storage = RocksDbLogStorage.open(dir)) {
            long first = storage.firstIndex();
            long last = storage.lastIndex();
            long lastAcknowledged = acknowledged.isEmpty() ? 0 : acknowledged.lastKey();
            assertThat(last).as(where + ": last index").isGreaterThanOrEqualTo(lastAcknowledged);
            assertThat(first - 1).as(where + ": snapshot index").isLessThanOrEqualTo(Math.max(lastAcknowledged, knownDurable));
            for (Map.Entry<Long, Long> ack : acknowledged.tailMap(first, true).entrySet()) {
                assertThat(storage.termAt(ack.getKey())).as(where + ": term of acknowledged entry " + ack.getKey())
                        .isEqualTo(ack.getValue());
            }
            long previousTerm = storage.termAt(first - 1);
            for (long from = first; from <= last; ) {
                List<Entry> chunk = storage.entries(from, last + 1, 1 << 20); // checksums are checked here
                for (Entry e : chunk) {
                    assertThat(e.data()).as(where + ": payload of entry " + e.index())
                            .isEqualTo(StorageFiles.payload(e.index(), e.term(), CrashChildMain.payloadLength(e.index())));
                    assertThat(e.term()).as(where + ": terms never decrease, entry " + e.index())
                            .isGreaterThanOrEqualTo(previousTerm);
                    previousTerm = e.term();
                }
                from += chunk.size();
            }
            assertThat(storage.hardState().commit()).as(where + ": commit").isLessThanOrEqualTo(last);
            return last;
        }
    }

    private static Thread readLines(Process child, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the parent closes the pipe once the killed child is reaped: the lines read so
                // far are all there is, and they are what the round checks
            }
        }, "crash-child-stdout");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
