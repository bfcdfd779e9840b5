package io.raftkit.storage.rocksdb;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shape of the log without its payloads: snapshot, hard state, last index, the term of
 * every entry as runs ({@code start index -> term}), and the configuration entries. Terms and
 * configurations change rarely, so both maps stay small and {@link #termAt} and
 * {@link #latestConfig} need no disk read. Not thread-safe; its owner guards it.
 */
final class LogState {

    private SnapshotMeta snapshot;
    private HardState hardState;
    private long lastIndex;
    private final TreeMap<Long, Long> termRuns;
    private final TreeMap<Long, ClusterConfig> configs;

    LogState(SnapshotMeta snapshot, HardState hardState) {
        this(snapshot, hardState, snapshot.index(), new TreeMap<>(), new TreeMap<>());
    }

    private LogState(SnapshotMeta snapshot, HardState hardState, long lastIndex, TreeMap<Long, Long> termRuns,
                     TreeMap<Long, ClusterConfig> configs) {
        this.snapshot = snapshot;
        this.hardState = hardState;
        this.lastIndex = lastIndex;
        this.termRuns = termRuns;
        this.configs = configs;
    }

    LogState copy() {
        return new LogState(snapshot, hardState, lastIndex, new TreeMap<>(termRuns), new TreeMap<>(configs));
    }

    /** The last configuration entry, else the snapshot's configuration, else none. */
    ConfigEntry latestConfig() {
        Map.Entry<Long, ClusterConfig> last = configs.lastEntry();
        if (last != null) {
            return new ConfigEntry(last.getKey(), last.getValue());
        }
        return snapshot.index() > 0 ? new ConfigEntry(snapshot.index(), snapshot.config()) : ConfigEntry.NONE;
    }

    /** Indexes of the configuration entries at or after {@code index}. */
    List<Long> configsFrom(long index) {
        return new ArrayList<>(configs.tailMap(index, true).keySet());
    }

    /** Indexes of the configuration entries at or before {@code index}. */
    List<Long> configsThrough(long index) {
        return new ArrayList<>(configs.headMap(index, true).keySet());
    }

    /** Records a configuration entry during recovery. */
    void recoverConfig(long index, ClusterConfig config) {
        configs.put(index, config);
    }

    SnapshotMeta snapshot() {
        return snapshot;
    }

    HardState hardState() {
        return hardState;
    }

    long firstIndex() {
        return snapshot.index() + 1;
    }

    long lastIndex() {
        return lastIndex;
    }

    /** Whether {@code index} is in {@code [firstIndex() - 1, lastIndex()]}. */
    boolean hasTerm(long index) {
        return index >= snapshot.index() && index <= lastIndex;
    }

    /** The term at {@code index}; the caller checked {@link #hasTerm}. */
    long termAt(long index) {
        if (index == snapshot.index()) {
            return snapshot.term();
        }
        return termRuns.floorEntry(index).getValue();
    }

    /** Extends the log by one entry during recovery; entries arrive in index order. */
    void recoverEntry(long index, long term) {
        if (index != lastIndex + 1) {
            throw new IllegalStateException("recovered entry " + index + " after " + lastIndex);
        }
        addTerm(index, term);
        lastIndex = index;
    }

    void setHardState(HardState hs) {
        this.hardState = hs;
    }

    void apply(Write write) {
        if (write instanceof Write.Append a) {
            if (!a.entries().isEmpty()) {
                truncateFrom(a.entries().get(0).index());
                for (Entry e : a.entries()) {
                    addTerm(e.index(), e.term());
                    if (e.type() == EntryType.CONFIG) {
                        // the storage checked that it decodes when it accepted the append
                        configs.put(e.index(), ClusterConfig.decode(e.data()));
                    }
                }
                lastIndex = a.entries().get(a.entries().size() - 1).index();
            }
            if (a.hardState() != null) {
                hardState = a.hardState();
            }
        } else if (write instanceof Write.Truncate t) {
            truncateFrom(t.fromIndex());
        } else if (write instanceof Write.Compact c) {
            compact(c);
        }
    }

    private void addTerm(long index, long term) {
        Map.Entry<Long, Long> last = termRuns.lastEntry();
        if (last == null || last.getValue() != term) {
            termRuns.put(index, term);
        }
    }

    private void truncateFrom(long index) {
        if (index <= lastIndex) {
            termRuns.tailMap(index, true).clear();
            configs.tailMap(index, true).clear();
            lastIndex = index - 1;
        }
    }

    private void compact(Write.Compact c) {
        long newFirst = c.snapshot().index() + 1;
        if (c.keepTail()) {
            // the run covering the new first entry must start at it once the runs before it go
            Map.Entry<Long, Long> covering = termRuns.floorEntry(newFirst);
            termRuns.headMap(newFirst, false).clear();
            if (covering != null && newFirst <= lastIndex) {
                termRuns.put(newFirst, covering.getValue());
            }
            configs.headMap(newFirst, false).clear();
        } else {
            termRuns.clear();
            configs.clear();
            lastIndex = c.snapshot().index();
        }
        snapshot = c.snapshot();
    }
}
