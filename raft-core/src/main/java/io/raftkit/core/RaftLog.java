package io.raftkit.core;

import io.raftkit.spi.Entry;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's view of the log: the durable part in {@link LogStorage} and the {@link Unstable}
 * tail, plus the commit index and how far committed entries were handed out for apply.
 */
final class RaftLog {

    private final LogStorage storage;
    private final Unstable unstable;
    private long committed;
    private java.util.function.Consumer<List<Entry>> appendListener = entries -> { };
    /** Committed entries up to here were handed to the host for apply. */
    private long applying;
    /** Bound on {@link #unappliedBytes} (0 = none): apply back-pressure. */
    private final long maxUnappliedBytes;
    /** Batches handed out for apply and not yet reported applied: {last index, entry bytes}, in order. */
    private final ArrayDeque<long[]> unapplied = new ArrayDeque<>();
    private long unappliedBytes;

    RaftLog(LogStorage storage, long committed, long applied) {
        this(storage, committed, applied, 0);
    }

    RaftLog(LogStorage storage, long committed, long applied, long maxUnappliedBytes) {
        this.storage = storage;
        this.maxUnappliedBytes = maxUnappliedBytes;
        this.unstable = new Unstable(storage.lastIndex() + 1);
        long last = storage.lastIndex();
        if (applied > last) {
            throw new IllegalStateException("the state machine has applied index " + applied
                    + " but the log ends at " + last + ": the log storage lost durable entries");
        }
        if (committed > last) {
            throw new IllegalStateException("the hard state says index " + committed
                    + " is committed but the log ends at " + last + ": the log storage lost durable entries");
        }
        this.committed = Math.max(committed, applied);
        this.applying = Math.max(applied, storage.firstIndex() - 1);
    }

    long committed() {
        return committed;
    }

    long applying() {
        return applying;
    }

    /** The first index in the log; the entries before it are in a snapshot. */
    long firstIndex() {
        SnapshotMeta snap = unstable.snapshot();
        return snap != null ? snap.index() + 1 : storage.firstIndex();
    }

    long lastIndex() {
        if (!unstable.isEmpty()) {
            return unstable.lastIndex();
        }
        SnapshotMeta snap = unstable.snapshot();
        return snap != null ? snap.index() : storage.lastIndex();
    }

    long lastTerm() {
        return term(lastIndex());
    }

    /** The last index known durable on this node. */
    long stableLastIndex() {
        return unstable.isEmpty() && unstable.snapshot() == null ? storage.lastIndex() : unstable.offset() - 1;
    }

    /** Term of the entry at {@code index}, or -1 if it is compacted away or beyond the log. */
    long term(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return -1;
        }
        if (index >= unstable.offset()) {
            return unstable.term(index);
        }
        SnapshotMeta snap = unstable.snapshot();
        if (snap != null) {
            return snap.term(); // index == snap.index(): the only one left below the unstable offset
        }
        return storage.termAt(index);
    }

    boolean matchTerm(long index, long term) {
        long t = term(index);
        return t >= 0 && t == term;
    }

    /** Raft §5.4.1: is a log ending at (lastIndex, lastTerm) at least as up to date as ours? */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long myTerm = lastTerm();
        return lastTerm > myTerm || (lastTerm == myTerm && lastIndex >= lastIndex());
    }

    /** Index of the first entry that conflicts with ours or is new to us; 0 if none. */
    long findConflict(List<Entry> entries) {
        for (Entry e : entries) {
            if (!matchTerm(e.index(), e.term())) {
                return e.index();
            }
        }
        return 0;
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term}: no entry
     * above it can match a log whose entry at {@code index} has {@code term}, so a probe may
     * skip straight to it.
     */
    long findConflictByTerm(long index, long term) {
        long first = firstIndex() - 1;
        for (long i = Math.min(index, lastIndex()); i > first; i--) {
            long t = term(i);
            if (t <= term) {
                return i;
            }
        }
        return first;
    }

    /**
     * The follower's side of AppendEntries (Raft §5.3): if the log matches at prevIndex, append
     * what is new, replacing a conflicting suffix, and advance the commit index.
     *
     * @return the index of the last new entry, or -1 if the log does not match at prevIndex
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with a committed entry (commit "
                        + committed + "): this would break state machine safety");
            }
            append(entries.subList((int) (conflict - (prevIndex + 1)), entries.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (entries.get(0).index() <= committed) {
            throw new IllegalStateException("cannot overwrite committed entry " + entries.get(0).index());
        }
        unstable.truncateAndAppend(entries);
        appendListener.accept(entries);
    }

    /**
     * Tells {@code listener} of every batch appended (it replaced any suffix from its first
     * index), as leader or follower: configuration entries take effect when appended.
     */
    void onAppend(java.util.function.Consumer<List<Entry>> listener) {
        this.appendListener = listener;
    }

    void commitTo(long index) {
        if (index > committed) {
            if (index > lastIndex()) {
                throw new IllegalStateException("commit " + index + " is beyond the last index " + lastIndex());
            }
            committed = index;
        }
    }

    /** Entries in [lo, hi), at most about {@code maxBytes} but at least one. */
    List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo >= hi) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        long uOffset = unstable.offset();
        if (lo < uOffset) {
            List<Entry> stored = storage.entries(lo, Math.min(hi, uOffset), maxBytes);
            out.addAll(stored);
            for (Entry e : stored) {
                bytes += e.sizeBytes();
            }
            if (stored.size() < Math.min(hi, uOffset) - lo) {
                return out; // byte limit reached
            }
        }
        for (long i = Math.max(lo, uOffset); i < hi; i++) {
            Entry e = unstable.entry(i);
            bytes += e.sizeBytes();
            if (!out.isEmpty() && bytes > maxBytes) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    Entry entry(long index) {
        return entries(index, index + 1, Long.MAX_VALUE).get(0);
    }

    // --- interaction with the host ---------------------------------------------------------

    boolean hasUnstableToPersist() {
        return unstable.hasNotInProgress() || unstable.snapshotToPersist() != null;
    }

    SnapshotMeta snapshotToPersist() {
        return unstable.snapshotToPersist();
    }

    void acceptSnapshotInProgress() {
        unstable.acceptSnapshotInProgress();
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /**
     * Resets the log to a snapshot received from the leader (Raft §7): it holds state the log
     * does not, so every entry goes and the log continues after the snapshot; the snapshot is
     * committed, and applying continues after it once the host restored the state machine.
     */
    void restore(SnapshotMeta meta) {
        unstable.restore(meta);
        committed = meta.index();
        applying = meta.index();
    }

    List<Entry> unstableToPersist() {
        return unstable.notInProgress();
    }

    void acceptInProgress(long index) {
        unstable.acceptInProgress(index);
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    /** Committed entries may be applied only once durable here, so a restart never finds applied > last. */
    private long applicableLimit() {
        return Math.min(committed, stableLastIndex());
    }

    boolean hasEntriesToApply() {
        return applicableLimit() > applying && !applyHeldBack();
    }

    /** Committed entries wait only because the host holds as many unapplied bytes as it may. */
    boolean applyWaitsForHost() {
        return applicableLimit() > applying && applyHeldBack();
    }

    /** The host holds as many unapplied bytes as it may: hand out nothing until it reports progress. */
    private boolean applyHeldBack() {
        return maxUnappliedBytes > 0 && unappliedBytes >= maxUnappliedBytes;
    }

    List<Entry> entriesToApply(long maxBytes) {
        long hi = applicableLimit();
        if (hi <= applying || applyHeldBack()) {
            return List.of();
        }
        long budget = maxUnappliedBytes > 0 ? Math.min(maxBytes, maxUnappliedBytes - unappliedBytes) : maxBytes;
        return entries(applying + 1, hi + 1, budget);
    }

    /** The host took {@code handedOut} (committed entries of a Ready, in order, not empty) for apply. */
    void acceptApplying(List<Entry> handedOut) {
        long last = handedOut.get(handedOut.size() - 1).index();
        if (last <= applying) {
            return;
        }
        applying = last;
        if (maxUnappliedBytes > 0) {
            long bytes = 0;
            for (int i = 0, n = handedOut.size(); i < n; i++) {
                bytes += handedOut.get(i).sizeBytes();
            }
            unapplied.addLast(new long[] {last, bytes});
            unappliedBytes += bytes;
        }
    }

    /** The host applied every entry up to {@code index}: their bytes no longer count against the bound. */
    void appliedTo(long index) {
        long[] batch;
        while ((batch = unapplied.peekFirst()) != null && batch[0] <= index) {
            unapplied.pollFirst();
            unappliedBytes -= batch[1];
        }
    }

    /** Entry bytes handed out for apply and not yet reported applied (counted only under a bound). */
    long unappliedBytes() {
        return unappliedBytes;
    }
}
