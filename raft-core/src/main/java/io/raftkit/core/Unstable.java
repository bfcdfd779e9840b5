package io.raftkit.core;

import io.raftkit.spi.Entry;
import io.raftkit.spi.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The tail of the log that is not known to be durable yet: entries the host has not persisted,
 * or has been handed but not confirmed through {@code persisted}. Entries before
 * {@link #offset()} are in storage.
 */
final class Unstable {

    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Index of {@code entries.get(0)}; when empty, the index the next entry will have. */
    private long offset;
    /** Entries below this index were handed to the host in a Ready (a write is in flight). */
    private long offsetInProgress;
    /** A snapshot received from the leader that the log was reset to, not yet durable in storage; or null. */
    private SnapshotMeta snapshot;
    /** Whether {@link #snapshot} was handed to the host in a Ready. */
    private boolean snapshotInProgress;

    Unstable(long offset) {
        this.offset = offset;
        this.offsetInProgress = offset;
    }

    long offset() {
        return offset;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The snapshot the log was reset to and storage does not hold durably yet, or null. */
    SnapshotMeta snapshot() {
        return snapshot;
    }

    /** The snapshot to hand to the host, or null if none or already handed. */
    SnapshotMeta snapshotToPersist() {
        return snapshotInProgress ? null : snapshot;
    }

    void acceptSnapshotInProgress() {
        snapshotInProgress = snapshot != null;
    }

    /** Storage now holds the snapshot at {@code index} durably: forget it here. */
    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.index() == index) {
            snapshot = null;
            snapshotInProgress = false;
        }
    }

    /** Resets the log to a snapshot from the leader: every entry held here goes, the next one follows it. */
    void restore(SnapshotMeta meta) {
        entries.clear();
        offset = meta.index() + 1;
        offsetInProgress = offset;
        snapshot = meta;
        snapshotInProgress = false;
    }

    /** Last index held here, or -1 if empty. */
    long lastIndex() {
        return entries.isEmpty() ? -1 : offset + entries.size() - 1;
    }

    /** Term at {@code index}, or -1 if not held here. */
    long term(long index) {
        if (index < offset || index > lastIndex()) {
            return -1;
        }
        return entries.get((int) (index - offset)).term();
    }

    Entry entry(long index) {
        return entries.get((int) (index - offset));
    }

    /** Entries in [lo, hi), which must be held here. */
    List<Entry> slice(long lo, long hi) {
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }

    /** Entries not yet handed to the host. */
    List<Entry> notInProgress() {
        long from = Math.max(offsetInProgress, offset);
        if (from > lastIndex()) {
            return List.of();
        }
        return List.copyOf(entries.subList((int) (from - offset), entries.size()));
    }

    boolean hasNotInProgress() {
        return !entries.isEmpty() && Math.max(offsetInProgress, offset) <= lastIndex();
    }

    /** The host now has entries up to {@code index} in a write in flight. */
    void acceptInProgress(long index) {
        offsetInProgress = Math.max(offsetInProgress, index + 1);
    }

    /**
     * Entries up to {@code index} with {@code term} are durable: forget them. Ignored if the entry
     * at {@code index} has since been replaced (different term) or is no longer here.
     */
    void stableTo(long index, long term) {
        long t = term(index);
        if (t != term) {
            return;
        }
        int n = (int) (index + 1 - offset);
        entries.subList(0, n).clear();
        offset = index + 1;
        offsetInProgress = Math.max(offsetInProgress, offset);
    }

    /** Appends entries, replacing any held from the first new index on. */
    void truncateAndAppend(List<Entry> toAppend) {
        long after = toAppend.get(0).index();
        if (after == offset + entries.size()) {
            entries.addAll(toAppend);
        } else if (after <= offset) {
            // replaces everything held here; the host's next write replaces storage from `after`
            entries.clear();
            entries.addAll(toAppend);
            offset = after;
        } else {
            entries.subList((int) (after - offset), entries.size()).clear();
            entries.addAll(toAppend);
        }
        offsetInProgress = Math.min(offsetInProgress, after);
    }
}
