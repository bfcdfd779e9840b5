package io.raftkit.it;

import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A log storage whose writes can be held on demand, as a stalled disk holds them: they complete once released. */
final class StallingLogStorage implements LogStorage {

    private final LogStorage delegate;
    private volatile CompletableFuture<Void> gate = CompletableFuture.completedFuture(null);

    StallingLogStorage(LogStorage delegate) {
        this.delegate = delegate;
    }

    /** From now on, writes complete only after {@link #release()}. */
    void stall() {
        gate = new CompletableFuture<>();
    }

    void release() {
        gate.complete(null);
    }

    @Override
    public CompletableFuture<Void> append(HardState hs, List<Entry> entries) {
        CompletableFuture<Void> held = gate;
        CompletableFuture<Void> write = delegate.append(hs, entries);
        return held.isDone() ? write : held.thenCompose(v -> write);
    }

    @Override public CompletableFuture<Void> truncateSuffix(long index) { return delegate.truncateSuffix(index); }
    @Override public CompletableFuture<Void> compact(SnapshotMeta s) { return delegate.compact(s); }
    @Override public long firstIndex() { return delegate.firstIndex(); }
    @Override public long lastIndex() { return delegate.lastIndex(); }
    @Override public long termAt(long index) { return delegate.termAt(index); }
    @Override public List<Entry> entries(long from, long to, long maxBytes) { return delegate.entries(from, to, maxBytes); }
    @Override public HardState hardState() { return delegate.hardState(); }
    @Override public SnapshotMeta snapshotMeta() { return delegate.snapshotMeta(); }
    @Override public ConfigEntry latestConfig() { return delegate.latestConfig(); }
    @Override public void close() { delegate.close(); }
}
