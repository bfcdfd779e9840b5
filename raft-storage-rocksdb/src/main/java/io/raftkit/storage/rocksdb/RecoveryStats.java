package io.raftkit.storage.rocksdb;

/**
 * What opening a log read, to check that start-up cost follows the log after the snapshot and not
 * everything ever written.
 *
 * @param entriesRead         entries decoded and checked
 * @param internalKeysSkipped keys RocksDB stepped over without returning them (deleted entries
 *                            whose tombstones it had to walk past), from its per-thread perf context
 * @param blockBytesRead      bytes of table blocks read from disk
 */
record RecoveryStats(long entriesRead, long internalKeysSkipped, long blockBytesRead) {
}
