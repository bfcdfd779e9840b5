package io.raftkit.storage.rocksdb;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** The storage's meters, all under {@code raft.storage.}; does nothing without a registry. */
final class StorageMetrics {

    private final DistributionSummary batchEntries;
    private final DistributionSummary batchWrites;
    private final Timer syncLatency;
    private final Counter bytesWritten;
    private final Counter failures;

    StorageMetrics(MeterRegistry registry) {
        if (registry == null) {
            batchEntries = null;
            batchWrites = null;
            syncLatency = null;
            bytesWritten = null;
            failures = null;
            return;
        }
        batchEntries = DistributionSummary.builder("raft.storage.append.batch.size")
                .description("Entries written by one synced batch (group commit)")
                .baseUnit("entries").register(registry);
        batchWrites = DistributionSummary.builder("raft.storage.batch.writes")
                .description("Storage calls (appends, truncations, compactions) merged into one synced batch")
                .baseUnit("writes").register(registry);
        syncLatency = Timer.builder("raft.storage.sync.latency")
                .description("Time to write and sync one batch").register(registry);
        bytesWritten = Counter.builder("raft.storage.bytes.written")
                .description("Bytes of keys and values written to RocksDB")
                .baseUnit("bytes").register(registry);
        failures = Counter.builder("raft.storage.write.failures")
                .description("Batches that failed to write; the storage refuses writes after one").register(registry);
    }

    void batchWritten(int writes, int entries, long bytes, long nanos) {
        if (batchEntries == null) {
            return;
        }
        batchWrites.record(writes);
        batchEntries.record(entries);
        bytesWritten.increment(bytes);
        syncLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void batchFailed() {
        if (failures != null) {
            failures.increment();
        }
    }
}
