package io.raftkit.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The leader's ReadIndex bookkeeping (thesis §6.4). Requests that arrive while the commit index
 * stays the same share a round; a round is sent as heartbeats carrying its sequence number, and
 * confirmed when a quorum has answered a heartbeat of that sequence or later — proof that this
 * node was still the leader after the requests arrived.
 */
final class ReadIndexTracker {

    private static final class Round {
        final long sequence;
        final long index;
        final List<Long> requests = new ArrayList<>();

        Round(long sequence, long index) {
            this.sequence = sequence;
            this.index = index;
        }
    }

    private final ArrayDeque<Round> unconfirmed = new ArrayDeque<>();
    private final Map<String, Long> acknowledged = new HashMap<>();
    private final List<Long> deferred = new ArrayList<>();
    private List<ReadState> readStates = new ArrayList<>();
    private Round open;
    /** Never reset, so an answer to a heartbeat of an earlier term can never confirm a new round. */
    private long sequence;
    private long sentSequence;

    void add(long requestId, long commitIndex) {
        // a request joins the open round only if the commit index has not moved: a write
        // acknowledged in between must be visible to it
        if (open == null || open.index != commitIndex) {
            open = new Round(++sequence, commitIndex);
            unconfirmed.add(open);
        }
        open.requests.add(requestId);
    }

    void deferUntilCommit(long requestId) {
        deferred.add(requestId);
    }

    List<Long> releaseDeferred() {
        List<Long> out = new ArrayList<>(deferred);
        deferred.clear();
        return out;
    }

    boolean hasRoundToSend() {
        return open != null;
    }

    /** Marks the open round sent and returns the sequence its heartbeats carry. */
    long sendRound() {
        sentSequence = open.sequence;
        open = null;
        return sentSequence;
    }

    /**
     * A round for a periodic heartbeat when leases are on: the open round if there is one, else an
     * empty round of its own, so that each heartbeat's answers tell when it was sent (LeaderLease).
     */
    long heartbeatRound() {
        if (open != null) {
            return sendRound();
        }
        sentSequence = ++sequence;
        return sentSequence;
    }

    /** Whether a quorum (this node counting) has answered a round of {@code sequence} or later. */
    boolean quorumAcknowledged(long sequence, Predicate<Predicate<String>> isQuorum, String self) {
        return isQuorum.test(id -> id.equals(self) || acknowledged.getOrDefault(id, 0L) >= sequence);
    }

    /** The sequence every heartbeat carries: the latest round sent. */
    long latestSequence() {
        return sentSequence;
    }

    void acknowledge(String from, long readContext, Predicate<Predicate<String>> isQuorum, String self) {
        acknowledged.merge(from, readContext, Math::max);
        while (!unconfirmed.isEmpty()) {
            Round r = unconfirmed.peek();
            if (r.sequence > sentSequence) {
                return;
            }
            boolean confirmed = isQuorum.test(id -> id.equals(self) || acknowledged.getOrDefault(id, 0L) >= r.sequence);
            if (!confirmed) {
                return;
            }
            unconfirmed.poll();
            release(r);
        }
    }

    /** A single-node cluster confirms its own leadership. */
    void confirmAll() {
        open = null;
        sentSequence = sequence;
        while (!unconfirmed.isEmpty()) {
            release(unconfirmed.poll());
        }
    }

    private void release(Round r) {
        for (long requestId : r.requests) {
            readStates.add(new ReadState(requestId, r.index));
        }
    }

    boolean hasReadStates() {
        return !readStates.isEmpty();
    }

    List<ReadState> takeReadStates() {
        if (readStates.isEmpty()) {
            return List.of();
        }
        List<ReadState> out = readStates;
        readStates = new ArrayList<>();
        return out;
    }

    /** Leadership changed: requests not yet confirmed are dropped (the host fails them). */
    void reset() {
        unconfirmed.clear();
        acknowledged.clear();
        deferred.clear();
        open = null;
    }
}
