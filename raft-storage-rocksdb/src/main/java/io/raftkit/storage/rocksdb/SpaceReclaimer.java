package io.raftkit.storage.rocksdb;

import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts the key range a prefix compaction deleted, on its own thread, so the space comes back
 * without waiting for RocksDB's size-triggered compactions (which a shrinking log may not
 * trigger for a long time). Requests made while one runs are merged into the next run.
 */
final class SpaceReclaimer {

    private static final Logger LOG = LoggerFactory.getLogger(SpaceReclaimer.class);

    private final RocksDB db;
    private final Path dir;
    private final ExecutorService executor;
    private final AtomicLong requestedUpTo = new AtomicLong();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    SpaceReclaimer(RocksDB db, Path dir) {
        this.db = db;
        this.dir = dir;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raftkit-storage-reclaim-" + dir.getFileName());
            t.setDaemon(true);
            return t;
        });
    }

    /** Asks for the entries below {@code index} to be compacted away. */
    void request(long index) {
        requestedUpTo.accumulateAndGet(index, Math::max);
        if (scheduled.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    private void run() {
        scheduled.set(false);
        long upTo = requestedUpTo.get();
        try {
            db.compactRange(KeyLayout.entryKey(0), KeyLayout.entryKey(upTo));
        } catch (RocksDBException e) {
            // only space is at stake; the next compaction request or RocksDB itself will retry
            LOG.warn("compacting entries below {} in {} failed: {}", upTo, dir, e.getMessage());
        }
    }

    /** Stops, letting a running compaction finish: the DB must not close under it. */
    void shutdown() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.warn("space reclaim in {} still running after 5 minutes", dir);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
