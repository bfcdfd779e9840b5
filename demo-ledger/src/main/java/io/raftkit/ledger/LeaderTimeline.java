package io.raftkit.ledger;

import io.raftkit.server.LeaderListener;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last leader changes this node saw, oldest first, for the dashboard's timeline. Bounded: the
 * oldest are forgotten. Written on the server's notifier thread, read by HTTP threads.
 */
final class LeaderTimeline implements LeaderListener {

    /**
     * One change.
     *
     * @param atMillis when this node learned of it (its wall clock)
     * @param leaderId the new leader, or null while an election runs
     * @param term     the leader's term, or the term of the election
     */
    record Event(long atMillis, String leaderId, long term) {
    }

    private final int capacity;
    private final Clock clock;
    private final ArrayDeque<Event> events; // guarded by this

    LeaderTimeline(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
        this.events = new ArrayDeque<>(capacity);
    }

    @Override
    public synchronized void leaderChanged(String leaderId, long term, boolean isSelf) {
        if (events.size() == capacity) {
            events.removeFirst();
        }
        events.addLast(new Event(clock.millis(), leaderId, term));
    }

    /** The changes kept, oldest first. */
    synchronized List<Event> events() {
        return List.copyOf(events);
    }
}
