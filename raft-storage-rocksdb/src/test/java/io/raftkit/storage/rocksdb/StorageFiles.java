package io.raftkit.storage.rocksdb;

import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WALRecoveryMode;

/** Test helpers that write a known log and then damage its files or values behind its back. */
final class StorageFiles {

    private StorageFiles() {
    }

    /** The payload of entry {@code index} in {@code term}: derived from both, so it can be verified. */
    static byte[] payload(long index, long term, int length) {
        byte[] data = new byte[length];
        new Random(index * 31 + term).nextBytes(data);
        return data;
    }

    static Entry entry(long index, long term, int length) {
        return Entry.command(index, term, payload(index, term, length));
    }

    /** Writes entries 1..n (one append each, so one WAL record each) with the commit index at n. */
    static void writeLog(Path dir, int n, int payloadLength) {
        try (LogStorage storage = RocksDbLogStorage.open(dir)) {
            for (int i = 1; i <= n; i++) {
                storage.append(i == n ? new HardState(1, "n1", n) : null, List.of(entry(i, 1, payloadLength)))
                        .orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
            }
        }
    }

    /** Runs {@code action} on the raw database in {@code dir}, as a tool outside the storage would. */
    static void withRawDb(Path dir, RawAction action) {
        RocksDB.loadLibrary();
        try (Options options = new Options().setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords);
             RocksDB db = RocksDB.open(options, dir.toString())) {
            action.run(db);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Moves everything into table files, so there is damage to do to them. */
    static void flush(Path dir) {
        withRawDb(dir, db -> {
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                db.flush(flush);
            }
        });
    }

    interface RawAction {
        void run(RocksDB db) throws RocksDBException;
    }

    static List<Path> files(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix))
                    .sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path newest(Path dir, String suffix) {
        List<Path> all = new ArrayList<>(files(dir, suffix));
        all.removeIf(p -> size(p) == 0);
        if (all.isEmpty()) {
            throw new IllegalStateException("no non-empty *" + suffix + " in " + dir);
        }
        return all.get(all.size() - 1);
    }

    static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void flipByte(Path file, long position) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, position);
            b.put(0, (byte) (b.get(0) ^ 0x5a));
            ch.write(b.rewind(), position);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void truncateBy(Path file, long bytes) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(20);
}
