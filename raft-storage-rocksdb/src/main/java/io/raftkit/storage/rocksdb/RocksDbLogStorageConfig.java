package io.raftkit.storage.rocksdb;

/**
 * Settings of a {@link RocksDbLogStorage}. Start from {@link #defaults()} and change what you
 * need with the {@code with...} methods; every value is checked here, once, naming the field.
 *
 * @param sync                    sync every write batch to disk before completing its futures.
 *                                Turning this off keeps acknowledged writes through a process crash
 *                                but not through a machine crash or power loss: Raft's safety then
 *                                no longer holds. Default true
 * @param writeBufferBytes        size of one memtable. The log is written once and read mostly
 *                                while it is recent, so a large memtable serves most reads from
 *                                memory and flushes big, non-overlapping files. Default 64 MiB
 * @param maxWriteBuffers         memtables that may exist at once (one active, the rest flushing)
 *                                before writes stall. Default 4
 * @param targetFileBytes         target size of an SST file. Default 64 MiB
 * @param maxBackgroundJobs       RocksDB flush and compaction threads. Default 2
 * @param maxBatchBytes           a group commit stops adding queued writes once their entries
 *                                reach this many bytes (the first write always goes in whole),
 *                                which bounds the latency of one sync. Default 16 MiB
 * @param reclaimSpaceOnCompact   after a prefix compaction is durable, ask RocksDB (in the
 *                                background) to compact the deleted key range so the disk space
 *                                comes back soon rather than whenever normal compaction gets there.
 *                                Default true
 */
public record RocksDbLogStorageConfig(
        boolean sync,
        long writeBufferBytes,
        int maxWriteBuffers,
        long targetFileBytes,
        int maxBackgroundJobs,
        long maxBatchBytes,
        boolean reclaimSpaceOnCompact) {

    private static final long MIB = 1024 * 1024;

    public RocksDbLogStorageConfig {
        requireAtLeast("writeBufferBytes", writeBufferBytes, 64 * 1024);
        requireAtLeast("maxWriteBuffers", maxWriteBuffers, 2);
        requireAtLeast("targetFileBytes", targetFileBytes, 64 * 1024);
        requireAtLeast("maxBackgroundJobs", maxBackgroundJobs, 1);
        requireAtLeast("maxBatchBytes", maxBatchBytes, 1);
    }

    /** The defaults described on each field. */
    public static RocksDbLogStorageConfig defaults() {
        return new RocksDbLogStorageConfig(true, 64 * MIB, 4, 64 * MIB, 2, 16 * MIB, true);
    }

    public RocksDbLogStorageConfig withSync(boolean value) {
        return new RocksDbLogStorageConfig(value, writeBufferBytes, maxWriteBuffers, targetFileBytes,
                maxBackgroundJobs, maxBatchBytes, reclaimSpaceOnCompact);
    }

    public RocksDbLogStorageConfig withWriteBufferBytes(long value) {
        return new RocksDbLogStorageConfig(sync, value, maxWriteBuffers, targetFileBytes,
                maxBackgroundJobs, maxBatchBytes, reclaimSpaceOnCompact);
    }

    public RocksDbLogStorageConfig withMaxWriteBuffers(int value) {
        return new RocksDbLogStorageConfig(sync, writeBufferBytes, value, targetFileBytes,
                maxBackgroundJobs, maxBatchBytes, reclaimSpaceOnCompact);
    }

    public RocksDbLogStorageConfig withTargetFileBytes(long value) {
        return new RocksDbLogStorageConfig(sync, writeBufferBytes, maxWriteBuffers, value,
                maxBackgroundJobs, maxBatchBytes, reclaimSpaceOnCompact);
    }

    public RocksDbLogStorageConfig withMaxBackgroundJobs(int value) {
        return new RocksDbLogStorageConfig(sync, writeBufferBytes, maxWriteBuffers, targetFileBytes,
                value, maxBatchBytes, reclaimSpaceOnCompact);
    }

    public RocksDbLogStorageConfig withMaxBatchBytes(long value) {
        return new RocksDbLogStorageConfig(sync, writeBufferBytes, maxWriteBuffers, targetFileBytes,
                maxBackgroundJobs, value, reclaimSpaceOnCompact);
    }

    public RocksDbLogStorageConfig withReclaimSpaceOnCompact(boolean value) {
        return new RocksDbLogStorageConfig(sync, writeBufferBytes, maxWriteBuffers, targetFileBytes,
                maxBackgroundJobs, maxBatchBytes, value);
    }

    private static void requireAtLeast(String field, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be at least " + min + ", was " + value);
        }
    }
}
