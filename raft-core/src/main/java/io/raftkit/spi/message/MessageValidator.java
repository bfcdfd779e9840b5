package io.raftkit.spi.message;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.SnapshotMeta;
import java.util.List;
import java.util.Set;

/**
 * Structural checks on a peer's message: what must hold of any message a correct node sends,
 * whatever the receiver's state. A codec can call {@link #check(Message)} after decoding; the
 * core calls {@link #check(Message, String, Set)}, which also checks the addressing against the
 * receiver, before it looks at a message at all, so a malformed message is dropped instead of
 * reaching code that assumes it is well formed.
 *
 * <p>Terms and indexes must stay below {@link #MAX_TERM_OR_INDEX}: far beyond anything a real
 * cluster reaches, and low enough that {@code term + 1} or {@code index + entries} never
 * overflows.
 */
public final class MessageValidator {

    /** Exclusive upper bound of every term, index, commit index, read context and byte offset. */
    public static final long MAX_TERM_OR_INDEX = 1L << 62;

    private MessageValidator() {
    }

    /**
     * Checks {@code m} on its own.
     *
     * @return why it is invalid, or {@code null} if it is well formed
     */
    public static InvalidReason check(Message m) {
        if (m.from() == null || m.from().isEmpty()) {
            return InvalidReason.EMPTY_SENDER;
        }
        if (m.to() == null || m.to().isEmpty()) {
            return InvalidReason.EMPTY_RECIPIENT;
        }
        if (m.from().equals(m.to()) && !(m instanceof VoteResponse)) {
            return InvalidReason.SENDER_IS_RECIPIENT;
        }
        if (!inRange(m.term())) {
            return InvalidReason.TERM_OUT_OF_RANGE;
        }
        if (m instanceof VoteRequest v) {
            return checkVoteRequest(v);
        } else if (m instanceof AppendRequest a) {
            return checkAppendRequest(a);
        } else if (m instanceof AppendResponse r) {
            return checkAppendResponse(r);
        } else if (m instanceof Heartbeat h) {
            return h.term() == 0 ? InvalidReason.TERM_OUT_OF_RANGE
                    : allInRange(h.commit(), h.readContext());
        } else if (m instanceof HeartbeatResponse r) {
            return allInRange(r.readContext());
        } else if (m instanceof SnapshotChunk c) {
            return checkSnapshotChunk(c);
        } else if (m instanceof SnapshotResponse r) {
            InvalidReason reason = allInRange(r.snapshotIndex(), r.nextOffset());
            return reason != null ? reason : r.done() && r.rejected() ? InvalidReason.CONTRADICTORY_FLAGS : null;
        } else if (m instanceof TimeoutNow) {
            return m.term() == 0 ? InvalidReason.TERM_OUT_OF_RANGE : null;
        } else if (m instanceof ForwardRequest f) {
            if (f.commands().isEmpty()) {
                return InvalidReason.EMPTY_BATCH;
            }
            for (ForwardRequest.Command c : f.commands()) {
                if (!inRange(c.requestId())) {
                    return InvalidReason.INDEX_OUT_OF_RANGE;
                }
            }
            return null;
        } else if (m instanceof ForwardResponse f) {
            if (f.answers().isEmpty()) {
                return InvalidReason.EMPTY_BATCH;
            }
            for (ForwardResponse.Answer a : f.answers()) {
                if (!inRange(a.requestId())) {
                    return InvalidReason.INDEX_OUT_OF_RANGE;
                }
            }
            return null;
        } else if (m instanceof ReadIndexRequest r) {
            if (r.reads().isEmpty()) {
                return InvalidReason.EMPTY_BATCH;
            }
            for (ReadIndexRequest.Read read : r.reads()) {
                if (!inRange(read.requestId())) {
                    return InvalidReason.INDEX_OUT_OF_RANGE;
                }
            }
            return null;
        } else if (m instanceof ReadIndexResponse r) {
            if (r.answers().isEmpty()) {
                return InvalidReason.EMPTY_BATCH;
            }
            for (ReadIndexResponse.Answer a : r.answers()) {
                InvalidReason reason = allInRange(a.requestId(), a.index());
                if (reason != null) {
                    return reason;
                }
            }
            return null;
        }
        return null; // VoteResponse: nothing beyond the common fields
    }

    /**
     * Checks {@code m} as received by node {@code self} whose configuration has {@code members}:
     * the structural checks, then that it is addressed to {@code self} and comes from a member
     * (a node's own vote, from and to itself, counts as from a member).
     *
     * @return why it is invalid, or {@code null} if the receiver should process it
     */
    public static InvalidReason check(Message m, String self, Set<String> members) {
        InvalidReason reason = check(m);
        if (reason != null) {
            return reason;
        }
        if (!m.to().equals(self)) {
            return InvalidReason.WRONG_RECIPIENT;
        }
        if (!members.contains(m.from())) {
            return InvalidReason.NOT_A_MEMBER;
        }
        return null;
    }

    private static InvalidReason checkVoteRequest(VoteRequest v) {
        if (v.term() == 0) {
            return InvalidReason.TERM_OUT_OF_RANGE;
        }
        return checkLogPosition(v.lastLogIndex(), v.lastLogTerm(), v.term());
    }

    private static InvalidReason checkAppendRequest(AppendRequest a) {
        if (a.term() == 0) {
            return InvalidReason.TERM_OUT_OF_RANGE;
        }
        InvalidReason reason = checkLogPosition(a.prevLogIndex(), a.prevLogTerm(), a.term());
        if (reason == null) {
            reason = allInRange(a.leaderCommit(), a.prevLogIndex() + a.entries().size());
        }
        if (reason != null) {
            return reason;
        }
        List<Entry> entries = a.entries();
        long previousTerm = a.prevLogTerm();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.index() != a.prevLogIndex() + 1 + i) {
                return InvalidReason.ENTRIES_NOT_CONTIGUOUS;
            }
            if (e.term() < previousTerm) {
                return InvalidReason.ENTRY_TERMS_DECREASING;
            }
            if (e.term() > a.term()) {
                return InvalidReason.LOG_TERM_ABOVE_TERM;
            }
            if (e.type() == EntryType.CONFIG && !isConfiguration(e.data())) {
                return InvalidReason.BAD_CONFIGURATION;
            }
            previousTerm = e.term();
        }
        return null;
    }

    private static InvalidReason checkAppendResponse(AppendResponse r) {
        InvalidReason reason = allInRange(r.index(), r.hintIndex());
        if (reason != null) {
            return reason;
        }
        if (r.hintTerm() < 0) {
            return InvalidReason.TERM_OUT_OF_RANGE;
        }
        if (!r.success()) {
            if (r.hintIndex() > r.index()) {
                return InvalidReason.HINT_ABOVE_INDEX;
            }
            if (r.hintTerm() > r.term()) {
                return InvalidReason.LOG_TERM_ABOVE_TERM;
            }
        }
        return null;
    }

    private static InvalidReason checkSnapshotChunk(SnapshotChunk c) {
        if (c.term() == 0) {
            return InvalidReason.TERM_OUT_OF_RANGE;
        }
        SnapshotMeta meta = c.meta();
        InvalidReason reason = checkLogPosition(meta.index(), meta.term(), c.term());
        if (reason == null) {
            reason = allInRange(c.offset(), c.offset() + c.data().length, c.snapshotSize());
        }
        if (reason != null) {
            return reason;
        }
        long end = c.offset() + c.data().length;
        if (end > c.snapshotSize() || (c.last() && end != c.snapshotSize())) {
            return InvalidReason.CHUNK_OUTSIDE_SNAPSHOT;
        }
        if (!c.checksumMatches()) {
            return InvalidReason.CHECKSUM_MISMATCH;
        }
        if (meta.index() > 0 && meta.config().allVoters().isEmpty()) {
            return InvalidReason.BAD_CONFIGURATION;
        }
        return null;
    }

    /** A (index, term) position in a sender's log, sent in a message of {@code term}. */
    private static InvalidReason checkLogPosition(long index, long logTerm, long term) {
        if (!inRange(index)) {
            return InvalidReason.INDEX_OUT_OF_RANGE;
        }
        if (logTerm < 0) {
            return InvalidReason.TERM_OUT_OF_RANGE;
        }
        if (logTerm > term) {
            return InvalidReason.LOG_TERM_ABOVE_TERM;
        }
        if (index == 0 && logTerm != 0) {
            return InvalidReason.TERM_AT_INDEX_ZERO;
        }
        return null;
    }

    private static boolean isConfiguration(byte[] data) {
        try {
            return !ClusterConfig.decode(data).allVoters().isEmpty();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static InvalidReason allInRange(long... values) {
        for (long v : values) {
            if (!inRange(v)) {
                return InvalidReason.INDEX_OUT_OF_RANGE;
            }
        }
        return null;
    }

    private static boolean inRange(long value) {
        return value >= 0 && value < MAX_TERM_OR_INDEX;
    }
}
