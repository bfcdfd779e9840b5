package io.raftkit.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the replicated log.
 *
 * <p>The payload array is not copied: treat it as immutable once the entry exists. Equality
 * compares the payload by content, so two replicas' entries compare equal when they agree.
 *
 * @param index position in the log, starting at 1
 * @param term  the leader's term when the entry was created
 * @param type  what the payload holds
 * @param data  the payload: a user command, an encoded {@link ClusterConfig}, or empty for a no-op
 */
public record Entry(long index, long term, EntryType type, byte[] data) {

    private static final byte[] EMPTY = new byte[0];

    public Entry {
        if (index < 1) {
            throw new IllegalArgumentException("index must be >= 1, was " + index);
        }
        if (term < 0) {
            throw new IllegalArgumentException("term must be >= 0, was " + term);
        }
        Objects.requireNonNull(type, "type");
        data = data == null ? EMPTY : data;
    }

    /** A user command. */
    public static Entry command(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.COMMAND, data);
    }

    /** The empty entry a new leader appends to commit entries of earlier terms (Raft §5.4.2). */
    public static Entry noop(long index, long term) {
        return new Entry(index, term, EntryType.NOOP, EMPTY);
    }

    /** A cluster configuration entry. */
    public static Entry config(long index, long term, ClusterConfig config) {
        return new Entry(index, term, EntryType.CONFIG, config.encode());
    }

    /** What {@link #sizeBytes()} charges an entry beyond its data: index, term and type. */
    public static final int OVERHEAD_BYTES = 24;

    /** Approximate size in bytes, used for byte limits on reads and messages. */
    public int sizeBytes() {
        return data.length + OVERHEAD_BYTES;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e
                && index == e.index && term == e.term && type == e.type && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Entry[" + index + "@" + term + " " + type + " " + data.length + "B]";
    }
}
