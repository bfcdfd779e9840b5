package io.raftkit.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A seeded run of random writes (appends, suffix replacements, hard states, truncations, both
 * kinds of compaction, reopens) against a storage and a plain list model side by side, issued
 * in bursts without waiting so writes overlap, and checked after every burst. The writes keep
 * Raft's own rules (nothing at or below the commit index is removed) because implementations
 * may enforce them.
 */
final class LogStorageModelRun {

    private final long seed;
    private final Random random;
    private final Supplier<LogStorage> opener;
    private LogStorage storage;

    private final List<Entry> log = new ArrayList<>();
    private SnapshotMeta snapshot = SnapshotMeta.EMPTY;
    private HardState hardState = HardState.EMPTY;
    private long term = 1;
    private int step;

    LogStorageModelRun(long seed, Supplier<LogStorage> opener) {
        this.seed = seed;
        this.random = new Random(seed);
        this.opener = opener;
    }

    void run(int bursts) {
        storage = opener.get();
        try {
            for (step = 0; step < bursts; step++) {
                List<CompletableFuture<Void>> futures = new ArrayList<>();
                int writes = 1 + random.nextInt(4);
                for (int w = 0; w < writes; w++) {
                    futures.add(randomWrite());
                }
                for (CompletableFuture<Void> f : futures) {
                    assertThat(f).as(where()).succeedsWithin(Duration.ofSeconds(20));
                }
                verify();
                if (random.nextInt(10) == 0) {
                    storage.close();
                    storage = opener.get();
                    verify();
                }
            }
        } finally {
            storage.close();
        }
    }

    private String where() {
        return "seed " + seed + ", burst " + step;
    }

    private long first() {
        return snapshot.index() + 1;
    }

    private long last() {
        return snapshot.index() + log.size();
    }

    private long termAt(long index) {
        return index == snapshot.index() ? snapshot.term() : log.get((int) (index - first())).term();
    }

    /** The lowest index a write may remove: above both the snapshot and the commit index. */
    private long removable() {
        return Math.max(snapshot.index(), hardState.commit()) + 1;
    }

    private long between(long lo, long hi) {
        return lo + (long) (random.nextDouble() * (hi - lo + 1));
    }

    private CompletableFuture<Void> randomWrite() {
        int kind = random.nextInt(100);
        if (kind < 40) {
            return append(last() + 1, term, random.nextBoolean());
        }
        if (kind < 52 && last() >= removable()) {
            term++;
            return append(between(removable(), last()), term, random.nextBoolean());
        }
        if (kind < 64) {
            if (random.nextBoolean()) {
                term++;
            }
            HardState hs = new HardState(term, random.nextBoolean() ? null : "n" + random.nextInt(5),
                    between(hardState.commit(), last()));
            hardState = hs;
            return storage.append(hs, List.of());
        }
        if (kind < 76) {
            long from = between(removable(), last() + 2);
            truncate(from);
            return storage.truncateSuffix(from);
        }
        if (kind < 90 && last() > snapshot.index()) {
            long index = between(snapshot.index() + 1, last());
            SnapshotMeta meta = new SnapshotMeta(index, termAt(index), ClusterConfig.of("n" + index));
            compact(meta);
            return storage.compact(meta);
        }
        if (kind < 94) {
            term++;
            long index = between(Math.max(hardState.commit(), snapshot.index() + 1), last() + 5);
            SnapshotMeta meta = new SnapshotMeta(index, term, ClusterConfig.of("a", "b"));
            compact(meta);
            return storage.compact(meta);
        }
        // an older or equal snapshot: ignored
        SnapshotMeta stale = new SnapshotMeta(snapshot.index(), snapshot.term(), ClusterConfig.EMPTY);
        return storage.compact(stale);
    }

    private CompletableFuture<Void> append(long from, long entryTerm, boolean withHardState) {
        int n = 1 + random.nextInt(6);
        List<Entry> entries = new ArrayList<>();
        for (long i = from; i < from + n; i++) {
            byte[] data = new byte[random.nextInt(200)];
            random.nextBytes(data);
            if (random.nextInt(5) == 0) {
                entries.add(Entry.config(i, entryTerm, ClusterConfig.of("n" + random.nextInt(3), "m" + i)));
            } else {
                entries.add(Entry.command(i, entryTerm, data));
            }
        }
        truncate(from);
        log.addAll(entries);
        HardState hs = null;
        if (withHardState) {
            hs = new HardState(term, "n1", between(hardState.commit(), last()));
            hardState = hs;
        }
        return storage.append(hs, entries);
    }

    private void truncate(long from) {
        while (last() >= from) {
            log.remove(log.size() - 1);
        }
    }

    private void compact(SnapshotMeta meta) {
        if (meta.index() <= snapshot.index()) {
            return;
        }
        boolean keep = meta.index() <= last() && termAt(meta.index()) == meta.term();
        List<Entry> tail = keep ? new ArrayList<>(log.subList((int) (meta.index() - first() + 1), log.size()))
                : List.of();
        log.clear();
        log.addAll(tail);
        snapshot = meta;
    }

    private ConfigEntry latestConfig() {
        for (int i = log.size() - 1; i >= 0; i--) {
            Entry e = log.get(i);
            if (e.type() == EntryType.CONFIG) {
                return new ConfigEntry(e.index(), ClusterConfig.decode(e.data()));
            }
        }
        return snapshot.index() > 0 ? new ConfigEntry(snapshot.index(), snapshot.config()) : ConfigEntry.NONE;
    }

    private void verify() {
        assertThat(storage.firstIndex()).as(where()).isEqualTo(first());
        assertThat(storage.lastIndex()).as(where()).isEqualTo(last());
        assertThat(storage.hardState()).as(where()).isEqualTo(hardState);
        assertThat(storage.snapshotMeta()).as(where()).isEqualTo(snapshot);
        assertThat(storage.latestConfig()).as(where() + ", latestConfig").isEqualTo(latestConfig());
        for (long i = first() - 1; i <= last(); i++) {
            assertThat(storage.termAt(i)).as(where() + ", termAt(" + i + ")").isEqualTo(termAt(i));
        }
        assertThat(storage.entries(first(), last() + 1, Long.MAX_VALUE)).as(where()).isEqualTo(log);
        if (!log.isEmpty()) {
            long from = between(first(), last());
            long to = between(from, last() + 1);
            long maxBytes = random.nextInt(600);
            List<Entry> expected = new ArrayList<>();
            long bytes = 0;
            for (long i = from; i < to; i++) {
                Entry e = log.get((int) (i - first()));
                bytes += e.sizeBytes();
                if (!expected.isEmpty() && bytes > maxBytes) {
                    break;
                }
                expected.add(e);
            }
            assertThat(storage.entries(from, to, maxBytes))
                    .as(where() + ", entries(" + from + ", " + to + ", " + maxBytes + ")").isEqualTo(expected);
        }
    }
}
