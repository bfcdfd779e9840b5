package io.raftkit.transport.netty;

import java.util.ArrayDeque;
import java.util.function.ToLongFunction;

/**
 * A FIFO bounded in count and in bytes that, when full, drops its oldest elements to make room
 * for the newest. Raft prefers the newest messages: an old heartbeat or append is superseded by
 * a newer one, and the leader resends whatever a follower still lacks. The newest element is
 * always kept, even if it alone weighs more than the byte bound.
 *
 * <p>Thread-safe. The lock is held only for array operations, so the Raft loop offering and an
 * event loop polling never wait on each other for long.
 */
final class DropOldestQueue<T> {

    private final int capacity;
    private final long maxBytes;
    private final ToLongFunction<T> weigher;
    private final ArrayDeque<T> items;
    private final ArrayDeque<Long> weights;
    private long bytes;

    /** Bounded in count only. */
    DropOldestQueue(int capacity) {
        this(capacity, Long.MAX_VALUE, item -> 0);
    }

    DropOldestQueue(int capacity, long maxBytes, ToLongFunction<T> weigher) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.weigher = weigher;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
        this.weights = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Adds an element; returns how many old elements were dropped to make room. */
    int offer(T item) {
        long weight = weigher.applyAsLong(item);
        synchronized (this) {
            int dropped = 0;
            while (!items.isEmpty() && (items.size() == capacity || bytes + weight > maxBytes)) {
                items.pollFirst();
                bytes -= weights.pollFirst();
                dropped++;
            }
            items.addLast(item);
            weights.addLast(weight);
            bytes += weight;
            return dropped;
        }
    }

    /** The oldest element, removed, or {@code null} if empty. */
    synchronized T poll() {
        T item = items.pollFirst();
        if (item != null) {
            bytes -= weights.pollFirst();
        }
        return item;
    }

    /** Removes everything; returns how many elements there were. */
    synchronized int clear() {
        int size = items.size();
        items.clear();
        weights.clear();
        bytes = 0;
        return size;
    }

    synchronized int size() {
        return items.size();
    }

    /** The summed weight of the elements queued. */
    synchronized long bytes() {
        return bytes;
    }

    synchronized boolean isEmpty() {
        return items.isEmpty();
    }
}
