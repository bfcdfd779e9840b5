package io.raftkit.server;

import io.raftkit.spi.Entry;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The entry bytes the loop handed to the apply thread that the state machine has not applied
 * yet, and their high-water mark: what apply back-pressure ({@link ServerConfig#maxUnappliedBytes()})
 * bounds, measured on the runtime's side of the hand-off. Written by the loop thread only; read
 * from any thread.
 */
final class UnappliedBytes {

    /** Hand-offs not fully applied: {last index, entry bytes}, in index order. */
    private final ArrayDeque<long[]> batches = new ArrayDeque<>();
    private volatile long bytes;
    private volatile long highWater;

    /** The loop hands {@code entries} (committed, in order, not empty) to the apply thread. */
    void handedOut(List<Entry> entries) {
        long sum = 0;
        for (int i = 0, n = entries.size(); i < n; i++) {
            sum += entries.get(i).sizeBytes();
        }
        batches.addLast(new long[] {entries.get(entries.size() - 1).index(), sum});
        long now = bytes + sum;
        bytes = now;
        if (now > highWater) {
            highWater = now;
        }
    }

    /** The state machine applied every entry up to {@code index}. */
    void appliedTo(long index) {
        long[] b;
        long now = bytes;
        while ((b = batches.peekFirst()) != null && b[0] <= index) {
            batches.pollFirst();
            now -= b[1];
        }
        bytes = now;
    }

    long bytes() {
        return bytes;
    }

    long highWater() {
        return highWater;
    }
}
