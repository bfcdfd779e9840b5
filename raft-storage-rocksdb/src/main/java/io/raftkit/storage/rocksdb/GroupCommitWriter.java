package io.raftkit.storage.rocksdb;

import io.raftkit.errors.LogStorageException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The storage's one writer thread. It takes everything queued, writes it as one batch with one
 * sync (group commit: writes queued during a sync go out together in the next), and completes
 * the futures in call order.
 *
 * <p>Fail-stop: when a batch fails, every write in it fails, the storage's view is rolled back
 * to the last durable state, and every later write fails too (in order, on this thread) until
 * the storage is reopened. RocksDB itself stops accepting writes after a failed WAL write or
 * sync, and carrying on past a sync error could acknowledge data the disk never kept.
 */
final class GroupCommitWriter {

    /** A write waiting for the disk. */
    record Pending(Write write, long bytes, CompletableFuture<Void> future) {
    }

    private final Path dir;
    private final BatchSink sink;
    private final long maxBatchBytes;
    private final StorageMetrics metrics;
    /** The state every completed write has reached; only this thread touches it. */
    private final LogState durable;
    /** Receives a copy of the durable state and the cause when a batch fails. */
    private final BiConsumer<LogState, LogStorageException> onFailure;
    /** Told the exclusive upper bound of the entries a durable compaction deleted. */
    private final LongConsumer onCompacted;
    /** Runs on this thread when it ends: releases the database. */
    private final Runnable onExit;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean stopping;
    private LogStorageException failure;

    GroupCommitWriter(Path dir, BatchSink sink, long maxBatchBytes, StorageMetrics metrics, LogState durable,
                      BiConsumer<LogState, LogStorageException> onFailure, LongConsumer onCompacted, Runnable onExit) {
        this.dir = dir;
        this.sink = sink;
        this.maxBatchBytes = maxBatchBytes;
        this.metrics = metrics;
        this.durable = durable;
        this.onFailure = onFailure;
        this.onCompacted = onCompacted;
        this.onExit = onExit;
        this.thread = new Thread(this::run, "raftkit-storage-writer-" + dir.getFileName());
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues a write; the caller calls this in the order the writes were made. */
    void submit(Pending pending) {
        lock.lock();
        try {
            if (stopping) {
                throw new IllegalStateException("writer stopped");
            }
            queue.add(pending);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops after the batch in flight; queued writes fail. Waits for the thread to end, unless
     * called on it (from a future's callback), when the thread ends once the callback returns.
     */
    void stop() {
        lock.lock();
        try {
            stopping = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the in-flight sync cannot be abandoned; keep waiting
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        try {
            List<Pending> batch = new ArrayList<>();
            while (true) {
                boolean stop = takeBatch(batch);
                if (stop) {
                    failAll(batch, new LogStorageException("log storage " + dir + " closed before the write was synced"));
                    return;
                }
                process(batch);
                batch.clear();
            }
        } finally {
            onExit.run();
        }
    }

    /** Fills {@code batch} with the next group; returns true (with the leftovers) when stopping. */
    private boolean takeBatch(List<Pending> batch) {
        lock.lock();
        try {
            while (queue.isEmpty() && !stopping) {
                changed.awaitUninterruptibly();
            }
            if (stopping) {
                batch.addAll(queue);
                queue.clear();
                return true;
            }
            long bytes = 0;
            do {
                Pending next = queue.poll();
                batch.add(next);
                bytes += next.bytes();
            } while (!queue.isEmpty() && bytes + queue.peek().bytes() <= maxBatchBytes);
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void process(List<Pending> batch) {
        if (failure != null) {
            failAll(batch, new LogStorageException("log storage " + dir + " refuses writes after an earlier write "
                    + "failed (" + failure.getMessage() + "); reopen it", failure));
            return;
        }
        try (WriteBatch writeBatch = new WriteBatch()) {
            int entries = 0;
            for (Pending p : batch) {
                entries += BatchEncoder.add(writeBatch, p.write());
            }
            long start = System.nanoTime();
            sink.write(writeBatch);
            metrics.batchWritten(batch.size(), entries, writeBatch.getDataSize(), System.nanoTime() - start);
        } catch (RocksDBException | RuntimeException e) {
            failure = new LogStorageException("writing " + batch.size() + " queued write(s) to log storage " + dir
                    + " failed; none of them is acknowledged (after a restart they may or may not be there, as "
                    + "after a crash): " + describe(e), e);
            metrics.batchFailed();
            // roll back the view before any future completes, so a callback sees the durable state
            onFailure.accept(durable.copy(), failure);
            failAll(batch, failure);
            return;
        }
        for (Pending p : batch) {
            durable.apply(p.write());
            if (p.write() instanceof Write.Compact c) {
                onCompacted.accept(c.deleteTo());
            }
        }
        for (Pending p : batch) {
            p.future().complete(null);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof RocksDBException r && r.getStatus() != null) {
            return r.getStatus().getCodeString() + ": " + r.getMessage();
        }
        return e.toString();
    }

    private static void failAll(List<Pending> batch, LogStorageException cause) {
        for (Pending p : batch) {
            p.future().completeExceptionally(cause);
        }
    }
}
