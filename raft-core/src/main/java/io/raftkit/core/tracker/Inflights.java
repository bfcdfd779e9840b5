package io.raftkit.core.tracker;

/**
 * The window of appends sent to one follower and not yet acknowledged, bounded both in count
 * and in bytes. Each slot remembers the last index an append carried and its size, so an
 * acknowledgement up to some index frees every append it covers.
 */
public final class Inflights {

    private final int maxCount;
    private final long maxBytes;
    private final long[] lastIndexes;
    private final long[] sizes;
    private int start;
    private int count;
    private long bytes;

    public Inflights(int maxCount, long maxBytes) {
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1");
        }
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
        this.lastIndexes = new long[maxCount];
        this.sizes = new long[maxCount];
    }

    /** Records an append ending at {@code lastIndex} carrying {@code size} bytes. */
    public void add(long lastIndex, long size) {
        if (full()) {
            throw new IllegalStateException("inflight window is full");
        }
        int slot = (start + count) % maxCount;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = size;
        count++;
        bytes += size;
    }

    /** Frees every append whose last index is at or below {@code index}. */
    public void freeLE(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % maxCount;
            count--;
        }
    }

    /** Frees the oldest append in flight, if any. */
    public void freeFirst() {
        if (count > 0) {
            freeLE(lastIndexes[start]);
        }
    }

    /** Whether no further append may be sent until some are acknowledged. */
    public boolean full() {
        return count >= maxCount || (maxBytes > 0 && bytes >= maxBytes);
    }

    /** Number of appends in flight. */
    public int count() {
        return count;
    }

    /** Bytes of entries in flight. */
    public long bytes() {
        return bytes;
    }

    /** Forgets everything in flight (the follower is probed again). */
    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
