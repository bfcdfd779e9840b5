package io.raftkit.storage.rocksdb;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Child process of the crash test: appends batches to the log as fast as it can, up to eight
 * writes in flight, and prints {@code ACK <last index> <term>} after each write's future has
 * completed (and {@code SNAP <index>} after a compaction), until it is killed. Each run uses a
 * new term, so the payloads ({@link StorageFiles#payload}) of every run differ.
 */
public final class CrashChildMain {

    private CrashChildMain() {
    }

    static int payloadLength(long index) {
        return (int) (index % 97) + 1;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Random random = new Random(Long.parseLong(args[1]));
        PrintStream out = System.out;
        RocksDbLogStorage storage = RocksDbLogStorage.open(dir);
        long term = storage.hardState().term() + 1;
        long next = storage.lastIndex() + 1;
        Semaphore inFlight = new Semaphore(8);
        AtomicBoolean compacting = new AtomicBoolean();
        long[] acknowledged = {storage.lastIndex()};
        out.println("READY " + storage.lastIndex());
        out.flush();
        while (true) {
            inFlight.acquire();
            int n = 1 + random.nextInt(64);
            List<Entry> batch = new ArrayList<>(n);
            for (long i = next; i < next + n; i++) {
                batch.add(Entry.command(i, term, StorageFiles.payload(i, term, payloadLength(i))));
            }
            long last = next + n - 1;
            long batchTerm = term;
            long commit;
            synchronized (acknowledged) {
                commit = acknowledged[0];
            }
            storage.append(new HardState(term, "n1", commit), batch).whenComplete((v, error) -> {
                if (error != null) {
                    org.slf4j.LoggerFactory.getLogger(CrashChildMain.class)
                            .error("append of entries up to {} failed; the child exits", last, error);
                    System.exit(3);
                }
                synchronized (acknowledged) {
                    acknowledged[0] = last;
                }
                synchronized (out) {
                    out.println("ACK " + last + " " + batchTerm);
                    out.flush();
                }
                inFlight.release();
            });
            next = last + 1;
            long ack;
            synchronized (acknowledged) {
                ack = acknowledged[0];
            }
            if (ack - storage.firstIndex() > 4_000 && compacting.compareAndSet(false, true)) {
                long index = ack - 1_000;
                storage.compact(new SnapshotMeta(index, storage.termAt(index), ClusterConfig.of("n1")))
                        .whenComplete((v, error) -> {
                            synchronized (out) {
                                out.println("SNAP " + index);
                                out.flush();
                            }
                            compacting.set(false);
                        });
            }
        }
    }
}
