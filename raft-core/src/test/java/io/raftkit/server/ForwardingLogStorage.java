package io.raftkit.server;

import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A LogStorage that hands every call to another: tests override only the calls they watch or break. */
abstract class ForwardingLogStorage implements LogStorage {

    final LogStorage delegate;

    ForwardingLogStorage(LogStorage delegate) {
        this.delegate = delegate;
    }

    @Override public CompletableFuture<Void> append(HardState hs, List<Entry> e) { return delegate.append(hs, e); }
    @Override public CompletableFuture<Void> truncateSuffix(long i) { return delegate.truncateSuffix(i); }
    @Override public CompletableFuture<Void> compact(SnapshotMeta s) { return delegate.compact(s); }
    @Override public long firstIndex() { return delegate.firstIndex(); }
    @Override public long lastIndex() { return delegate.lastIndex(); }
    @Override public long termAt(long i) { return delegate.termAt(i); }
    @Override public List<Entry> entries(long f, long t, long m) { return delegate.entries(f, t, m); }
    @Override public HardState hardState() { return delegate.hardState(); }
    @Override public SnapshotMeta snapshotMeta() { return delegate.snapshotMeta(); }
    @Override public ConfigEntry latestConfig() { return delegate.latestConfig(); }
    @Override public void close() { delegate.close(); }
}
