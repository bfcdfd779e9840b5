package io.raftkit.storage.rocksdb;

import io.raftkit.errors.LogStorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/** An open RocksDB with the native option objects it needs, closed together. */
final class RocksDbHandle implements AutoCloseable {

    final Path dir;
    final RocksDB db;
    final WriteOptions writeOptions;
    private final Options options;

    private RocksDbHandle(Path dir, RocksDB db, Options options, WriteOptions writeOptions) {
        this.dir = dir;
        this.db = db;
        this.options = options;
        this.writeOptions = writeOptions;
    }

    static RocksDbHandle open(Path dir, RocksDbLogStorageConfig config, Consumer<Options> customizer) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LogStorageException("cannot create log storage directory " + dir + ": " + e, e);
        }
        RocksDB.loadLibrary();
        Options options = options(config);
        customizer.accept(options);
        WriteOptions writeOptions = new WriteOptions().setSync(config.sync());
        try {
            return new RocksDbHandle(dir, RocksDB.open(options, dir.toString()), options, writeOptions);
        } catch (RocksDBException e) {
            writeOptions.close();
            options.close();
            throw openFailure(dir, e);
        }
    }

    private static Options options(RocksDbLogStorageConfig config) {
        return new Options()
                .setCreateIfMissing(true)
                .setParanoidChecks(true)
                // Drops only an incomplete record at the very end of the WAL: a batch whose sync
                // never returned, so none of its futures completed. A checksum mismatch anywhere
                // else fails the open. The default, point-in-time recovery, would instead stop
                // replay at the first bad record and silently drop every synced batch after it.
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setWriteBufferSize(config.writeBufferBytes())
                .setMaxWriteBufferNumber(config.maxWriteBuffers())
                .setTargetFileSizeBase(config.targetFileBytes())
                .setMaxBackgroundJobs(config.maxBackgroundJobs())
                // Keys arrive in order, so flushed files do not overlap and move down the levels
                // without rewrites; dynamic level sizing keeps space amplification low after
                // prefix deletes shrink the log.
                .setLevelCompactionDynamicLevelBytes(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockSize(16 * 1024))
                // RocksDB's own text log: bounded, warnings only
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setMaxLogFileSize(8L * 1024 * 1024)
                .setKeepLogFileNum(3);
    }

    private static LogStorageException openFailure(Path dir, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (code == Status.Code.IOError && message.contains("LOCK")) {
            return new LogStorageException("log storage directory " + dir + " is already in use: another process, "
                    + "or another storage in this process, holds its lock (" + message + ")", e);
        }
        if (code == Status.Code.Corruption) {
            return new CorruptLogException(dir, CorruptLogException.NO_INDEX,
                    "refusing to start: RocksDB found corruption in log storage directory " + dir
                            + " (" + message + "). This is damage beyond a torn final write, so data that was "
                            + "acknowledged may be affected; restore this node from a replica instead", e);
        }
        return new LogStorageException("cannot open log storage directory " + dir + ": " + message, e);
    }

    @Override
    public void close() {
        try {
            db.closeE();
        } catch (RocksDBException e) {
            throw new LogStorageException("error closing log storage directory " + dir + ": " + e.getMessage(), e);
        } finally {
            writeOptions.close();
            options.close();
        }
    }
}
