package io.raftkit.transport.netty;

import java.util.ArrayDeque;

/**
 * A bounded FIFO that, when full, drops its oldest element to make room for the newest. Raft
 * prefers the newest messages: an old heartbeat or append is superseded by a newer one, and the
 * leader resends whatever a follower still lacks.
 *
 * <p>Thread-safe. The lock is held only for an array operation, so the Raft loop offering and an
 * event loop polling never wait on each other for long.
 */
final class DropOldestQueue<T> {

    private final int capacity;
    private final ArrayDeque<T> items;

    DropOldestQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Adds an element; returns the element dropped to make room, or {@code null}. */
    synchronized T offer(T item) {
        T dropped = items.size() == capacity ? items.pollFirst() : null;
        items.addLast(item);
        return dropped;
    }

    /** The oldest element, removed, or {@code null} if empty. */
    synchronized T poll() {
        return items.pollFirst();
    }

    /** Removes everything; returns how many elements there were. */
    synchronized int clear() {
        int size = items.size();
        items.clear();
        return size;
    }

    synchronized int size() {
        return items.size();
    }

    synchronized boolean isEmpty() {
        return items.isEmpty();
    }
}
