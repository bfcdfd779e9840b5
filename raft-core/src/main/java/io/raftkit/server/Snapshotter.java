package io.raftkit.server;

import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import io.raftkit.spi.StoredSnapshot;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots: the apply thread captures the state machine's view ({@link #capture}, the
 * only pause apply sees), then the thread {@code raft-snapshot-<id>} writes it into the snapshot
 * store, commits it, and hands the stored snapshot to the loop, which compacts the log. At most
 * one snapshot is in progress. A failure (the state machine cannot capture, the store is full) is
 * counted and logged; the next attempt waits a backoff (1 s, doubling up to a minute) and the node
 * keeps running. A state machine without snapshot support turns snapshots off for good.
 */
final class Snapshotter {

    private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** How much further past its thresholds a snapshot may wait for a transfer in progress. */
    static final long SENDING_THRESHOLD_FACTOR = 4;

    private final String id;
    private final SnapshotStore store;
    private final ServerMetrics metrics;
    private final Consumer<StoredSnapshot> taken;
    private final Executor callbacks;
    private final ExecutorService thread;
    private final long thresholdEntries;
    private final long thresholdBytes;

    /** The snapshot being taken; completed (on the callback executor) when it is durable. Guarded by this. */
    private CompletableFuture<SnapshotMeta> inProgress;
    /** An on-demand request waiting for the apply thread to capture. Guarded by this. */
    private CompletableFuture<SnapshotMeta> requested;
    private volatile boolean supported = true;
    // set by the apply thread (capture failed) or the snapshot thread (write failed), one at a time
    private volatile long retryNotBefore;
    private volatile long backoff = FIRST_BACKOFF_NANOS;
    /** Set by the loop while this node, leading, sends a snapshot to a follower. */
    private volatile boolean sending;

    Snapshotter(String id, SnapshotStore store, ServerMetrics metrics, Consumer<StoredSnapshot> taken,
                Executor callbacks, ServerConfig config) {
        this.id = id;
        this.store = store;
        this.metrics = metrics;
        this.taken = taken;
        this.callbacks = callbacks;
        this.thresholdEntries = config.snapshotThresholdEntries();
        this.thresholdBytes = config.snapshotThresholdBytes();
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "raft-snapshot-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    /** Asks for a snapshot now; the apply thread captures it at its next turn. Any thread. */
    synchronized CompletableFuture<SnapshotMeta> request() {
        if (!supported) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException(
                    "the state machine does not support snapshots (captureSnapshot)"));
        }
        if (inProgress != null) {
            return inProgress.thenApply(m -> m);
        }
        if (requested == null) {
            requested = new CompletableFuture<>();
        }
        return requested.thenApply(m -> m);
    }

    synchronized boolean hasRequest() {
        return requested != null;
    }

    /**
     * Whether the apply thread should capture now: requested, or past a threshold since the last
     * snapshot, with none in progress and no backoff running. Apply thread.
     */
    boolean due(long entriesSince, long bytesSince) {
        if (!supported) {
            return false;
        }
        synchronized (this) {
            if (inProgress != null) {
                return false;
            }
            if (requested != null) {
                return true;
            }
        }
        // the store keeps only the newest snapshot, so a new one cuts off a transfer in progress;
        // while one runs, wait for it, up to a bound on the log that keeps growing meanwhile
        long factor = sending ? SENDING_THRESHOLD_FACTOR : 1;
        return (entriesSince >= saturatingTimes(thresholdEntries, factor)
                || bytesSince >= saturatingTimes(thresholdBytes, factor))
                && System.nanoTime() - retryNotBefore >= 0;
    }

    /**
     * The loop tells whether a snapshot is being sent to a follower: the next automatic snapshot
     * then waits until the transfer ends or {@value #SENDING_THRESHOLD_FACTOR} times the
     * thresholds were applied, whichever comes first. Any thread.
     */
    void sending(boolean on) {
        sending = on;
    }

    private static long saturatingTimes(long value, long factor) {
        return value > Long.MAX_VALUE / factor ? Long.MAX_VALUE : value * factor;
    }

    /** Nothing was applied since the last snapshot: an on-demand request gets that one. Apply thread. */
    void upToDate(SnapshotMeta latest) {
        CompletableFuture<SnapshotMeta> r;
        synchronized (this) {
            r = requested;
            requested = null;
        }
        if (r != null) {
            completeLater(r, latest, null);
        }
    }

    /**
     * Captures the state machine's view at {@code meta} (the last applied entry) on the apply
     * thread, and writes it on the snapshot thread.
     *
     * @return whether a snapshot is now in progress
     */
    boolean capture(StateMachine stateMachine, SnapshotMeta meta) {
        CompletableFuture<SnapshotMeta> done = new CompletableFuture<>();
        CompletableFuture<SnapshotMeta> waiting;
        synchronized (this) {
            waiting = requested;
            requested = null;
            inProgress = done;
        }
        if (waiting != null) {
            done.whenComplete((m, e) -> completeLater(waiting, m, e));
        }
        long start = System.nanoTime();
        StateSnapshot view;
        try {
            view = stateMachine.captureSnapshot();
        } catch (UnsupportedOperationException e) {
            supported = false;
            log.warn("{}: the state machine does not support snapshots: the log is never compacted and grows"
                    + " without bound ({})", id, e.getMessage());
            finish(done, null, e);
            return false;
        } catch (IOException | RuntimeException e) {
            failed(done, meta, e);
            return false;
        }
        metrics.capturePaused(System.nanoTime() - start);
        try {
            thread.execute(() -> write(view, meta, start, done));
        } catch (RejectedExecutionException e) {
            closeQuietly(view);
            finish(done, null, e); // closing
        }
        return true;
    }

    private void write(StateSnapshot view, SnapshotMeta meta, long start, CompletableFuture<SnapshotMeta> done) {
        SnapshotSink sink = null;
        try {
            sink = store.begin(meta);
            OutputStream out = new BufferedOutputStream(new SinkStream(sink), 1 << 16);
            view.writeTo(out);
            out.flush();
            StoredSnapshot stored = sink.commit(null);
            metrics.snapshotTaken(stored.sizeBytes(), meta.index(), System.nanoTime() - start);
            log.info("{} took a snapshot at index {} (term {}): {} bytes in {} ms", id, meta.index(), meta.term(),
                    stored.sizeBytes(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            backoff = FIRST_BACKOFF_NANOS;
            taken.accept(stored);
            finish(done, meta, null);
        } catch (IOException | RuntimeException e) {
            failed(done, meta, e);
        } finally {
            if (sink != null) {
                sink.close();
            }
            closeQuietly(view);
        }
    }

    private void failed(CompletableFuture<SnapshotMeta> done, SnapshotMeta meta, Exception e) {
        metrics.snapshotFailed();
        long wait = backoff;
        backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        retryNotBefore = System.nanoTime() + wait;
        log.warn("{}: taking a snapshot at index {} failed; retrying in {} ms at the earliest", id, meta.index(),
                TimeUnit.NANOSECONDS.toMillis(wait), e);
        finish(done, null, e);
    }

    private void finish(CompletableFuture<SnapshotMeta> done, SnapshotMeta meta, Throwable e) {
        synchronized (this) {
            if (inProgress == done) {
                inProgress = null;
            }
        }
        if (e == null) {
            done.complete(meta);
        } else {
            done.completeExceptionally(e);
        }
    }

    private void completeLater(CompletableFuture<SnapshotMeta> f, SnapshotMeta m, Throwable e) {
        try {
            callbacks.execute(() -> {
                if (e == null) {
                    f.complete(m);
                } else {
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException rejected) {
            f.completeExceptionally(e != null ? e : rejected);
        }
    }

    private void closeQuietly(StateSnapshot view) {
        try {
            view.close();
        } catch (IOException | RuntimeException e) {
            log.warn("{}: closing a captured snapshot view failed", id, e);
        }
    }

    /** Stops the snapshot thread; a snapshot being written is discarded (its sink closed). */
    void close() {
        thread.shutdownNow();
        CompletableFuture<SnapshotMeta> r;
        synchronized (this) {
            r = requested;
            requested = null;
        }
        if (r != null) {
            r.completeExceptionally(new IllegalStateException("the server closed"));
        }
    }

    /** The sink as an output stream. */
    private static final class SinkStream extends OutputStream {
        private final SnapshotSink sink;

        SinkStream(SnapshotSink sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) throws IOException {
            sink.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            sink.write(b, off, len);
        }
    }
}
