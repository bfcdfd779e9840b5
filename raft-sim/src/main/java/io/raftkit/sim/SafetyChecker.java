package io.raftkit.sim;

import io.raftkit.core.RaftNode;
import io.raftkit.core.Role;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety properties, checked incrementally as a simulation runs (each check costs time
 * proportional to what just happened, so every step can be checked):
 * <ul>
 *   <li>election safety: at most one leader per term, over the whole history;</li>
 *   <li>leader append-only: a leader never overwrites or removes its own entries;</li>
 *   <li>log matching: entries with the same index and term hold the same command and follow
 *       the same previous term (so, by induction, the logs before them are identical);</li>
 *   <li>leader completeness: a new leader holds every entry committed before it;</li>
 *   <li>state machine safety: no two nodes apply different entries at one index; each node
 *       applies in order without gaps, and a durable state machine never goes back;</li>
 *   <li>the commit index of a running node never decreases, and commit indexes agree;</li>
 *   <li>durability ordering: no vote, vote request, append acknowledgement or "snapshot
 *       installed" answer leaves a node before the state it promises is durable on that node's disk;</li>
 *   <li>snapshots: a node need not keep every entry (compacted ones are checked where they are
 *       still held, and a snapshot's last entry against what was committed there); a state
 *       machine restored from a snapshot equals one that applied the same prefix (a digest of the
 *       state per applied index, compared across nodes).</li>
 * </ul>
 */
final class SafetyChecker {

    private record EntryKey(long index, long term) {
    }

    private record EntryFacts(int contentHash, long previousTerm) {
    }

    private final long seed;
    private final long steps;
    private long step;
    private final Map<Long, String> leaderOfTerm = new HashMap<>();
    private final Map<EntryKey, EntryFacts> seenEntries = new HashMap<>();
    /** committedTerm[i] = term of the entry committed at index i, if committedKnown[i]. */
    private long[] committedTerm = new long[1024];
    private boolean[] committedKnown = new boolean[1024];
    /** The term of the node that first saw index i committed: the leader that committed it. */
    private long[] committedInTerm = new long[1024];
    private int[] committedHash = new int[1024];
    private long maxCommitted;
    /** Hash of the entry applied at each index, by any node. */
    private int[] appliedHash = new int[1024];
    private boolean[] appliedKnown = new boolean[1024];

    SafetyChecker(long seed, long steps) {
        this.seed = seed;
        this.steps = steps;
    }

    void setStep(long step) {
        this.step = step;
    }

    private SafetyViolation fail(String message) {
        return new SafetyViolation(seed, steps, step, message);
    }

    private static int hash(Entry e) {
        return 31 * e.type().ordinal() + Arrays.hashCode(e.data());
    }

    /** After any event that touched {@code node}. */
    void afterStep(SimNode node) {
        RaftNode raft = node.raft;
        if (raft.role() == Role.LEADER) {
            String previous = leaderOfTerm.putIfAbsent(raft.term(), node.id);
            if (previous != null && !previous.equals(node.id)) {
                throw fail("election safety: two leaders in term " + raft.term() + ": " + previous + " and " + node.id);
            }
        }
        long commit = raft.commitIndex();
        if (commit < node.lastCommit) {
            throw fail("commit index of " + node.id + " went back from " + node.lastCommit + " to " + commit);
        }
        for (long i = node.lastCommit + 1; i <= commit; i++) {
            recordCommitted(node, i);
        }
        node.lastCommit = commit;
    }

    private void recordCommitted(SimNode node, long index) {
        ensureCapacity(index);
        int i = (int) index;
        if (index < node.raft.firstIndex()) {
            // compacted into a snapshot (installed from a leader): only its last entry's term is left
            long t = node.raft.termAt(index);
            if (t >= 0 && committedKnown[i] && committedTerm[i] != t) {
                throw fail("state machine safety: " + node.id + " holds a snapshot ending at " + index + " term " + t
                        + " but term " + committedTerm[i] + " was committed there");
            }
            maxCommitted = Math.max(maxCommitted, index);
            return;
        }
        Entry e = node.raft.entryAt(index);
        if (!committedKnown[i]) {
            committedKnown[i] = true;
            committedInTerm[i] = node.raft.term();
            committedTerm[i] = e.term();
            committedHash[i] = hash(e);
        }
        if (committedTerm[i] != e.term() || committedHash[i] != hash(e)) {
            throw fail("state machine safety: " + node.id + " commits " + e + " at " + index
                    + " but term " + committedTerm[i] + " was committed there");
        }
        maxCommitted = Math.max(maxCommitted, index);
    }

    private void ensureCapacity(long index) {
        if (index >= committedTerm.length) {
            int n = (int) Math.max(index + 1, committedTerm.length * 2L);
            committedTerm = Arrays.copyOf(committedTerm, n);
            committedHash = Arrays.copyOf(committedHash, n);
            committedKnown = Arrays.copyOf(committedKnown, n);
            committedInTerm = Arrays.copyOf(committedInTerm, n);
            appliedHash = Arrays.copyOf(appliedHash, n);
            appliedKnown = Arrays.copyOf(appliedKnown, n);
        }
    }

    /**
     * A node became leader of term L: it must hold every entry committed in a term before L
     * (leader completeness, Raft §5.4). A leader of an older term can still win its election
     * late, through delayed votes, after a newer leader committed more; that is allowed.
     */
    void becameLeader(SimNode node) {
        RaftNode raft = node.raft;
        long term = raft.term();
        // entries compacted away were applied, so committed, on this node: a snapshot holds them
        for (long i = Math.max(1, raft.firstIndex() - 1); i <= maxCommitted; i++) {
            int k = (int) i;
            if (committedKnown[k] && committedInTerm[k] < term && raft.termAt(i) != committedTerm[k]) {
                throw fail("leader completeness: " + node.id + " leads term " + term + " with "
                        + (i > raft.lastIndex() ? "last index " + raft.lastIndex() : "term " + raft.termAt(i) + " at " + i)
                        + " but index " + i + " (term " + committedTerm[k] + ") was committed in term " + committedInTerm[k]);
            }
        }
    }

    /** A node hands entries to its disk. */
    void writing(SimNode node, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        RaftNode raft = node.raft;
        Entry first = entries.get(0);
        if (raft.role() == Role.LEADER) {
            if (node.leaderTerm == raft.term() && first.index() <= node.leaderLastWritten) {
                throw fail("leader append-only: leader " + node.id + " of term " + raft.term() + " rewrites index "
                        + first.index() + " after writing up to " + node.leaderLastWritten);
            }
            node.leaderTerm = raft.term();
            node.leaderLastWritten = entries.get(entries.size() - 1).index();
        }
        long previousTerm = raft.termAt(first.index() - 1);
        for (Entry e : entries) {
            EntryFacts facts = new EntryFacts(hash(e), previousTerm);
            EntryFacts known = seenEntries.putIfAbsent(new EntryKey(e.index(), e.term()), facts);
            if (known != null && !known.equals(facts)) {
                throw fail("log matching: " + node.id + " writes " + e + " after term " + previousTerm
                        + " but another log has index " + e.index() + " term " + e.term() + " with other content"
                        + " or after term " + known.previousTerm());
            }
            previousTerm = e.term();
        }
    }

    /** A node applies (or skips, for no-ops) a committed entry. */
    void applying(SimNode node, Entry e, boolean durableStateMachine, long stateMachineApplied) {
        if (e.index() != node.lastApplied + 1) {
            throw fail("apply order: " + node.id + " applies index " + e.index() + " after " + node.lastApplied);
        }
        if (durableStateMachine && e.type() == io.raftkit.spi.EntryType.COMMAND && e.index() <= stateMachineApplied) {
            throw fail("applied index went back: " + node.id + " re-applies " + e.index()
                    + " but its state machine had applied " + stateMachineApplied);
        }
        ensureCapacity(e.index());
        int i = (int) e.index();
        int h = hash(e);
        if (appliedKnown[i] && appliedHash[i] != h) {
            throw fail("state machine safety: " + node.id + " applies " + e + " but another node applied a different entry there");
        }
        appliedKnown[i] = true;
        appliedHash[i] = h;
        if (!committedKnown[i]) {
            // committed and compacted within one event, before afterStep saw it: record it here
            committedKnown[i] = true;
            committedInTerm[i] = node.raft.term();
            committedTerm[i] = e.term();
            committedHash[i] = h;
            maxCommitted = Math.max(maxCommitted, e.index());
        } else if (committedTerm[i] != e.term() || committedHash[i] != h) {
            throw fail("state machine safety: " + node.id + " applies " + e + " but term " + committedTerm[i]
                    + " was committed there");
        }
        if (e.index() > node.lastCommit && e.index() > node.raft.commitIndex()) {
            throw fail(node.id + " applies uncommitted index " + e.index());
        }
        node.lastApplied = e.index();
    }

    /** What each acknowledgement waiting for a sync promises: the term of the entry it acknowledges. */
    private final Map<Message, Long> promisedTerms = new java.util.IdentityHashMap<>();

    /**
     * A Ready holds messages that leave once its write is durable: note what each acknowledgement
     * promises now, because the log may change again before it leaves.
     */
    void queued(SimNode node, List<Message> persistedMessages) {
        for (Message m : persistedMessages) {
            if (m instanceof AppendResponse a && a.success()) {
                promisedTerms.put(m, node.raft.termAt(a.index()));
            }
        }
    }

    /**
     * A message is about to leave {@code node}: whatever it promises must be durable already.
     *
     * <p>A message may leave after later writes of its node are durable too: a storage callback
     * can run late (after a group commit synced several writes at once, the callback of the first
     * runs when the disk already holds the last). So a durable term above the message's term also
     * fulfils the promise: the node wrote that term after the message was queued, storage writes
     * become durable in order, so the message's own write is durable, and a node whose disk holds
     * a later term never votes or acknowledges in the earlier one again.
     */
    void sending(SimNode node, Message m) {
        var storage = node.storage;
        if (m instanceof VoteResponse v && v.granted() && !v.preVote()) {
            var hs = storage.durableHardState();
            if (hs.term() < v.term() || hs.term() == v.term() && !v.to().equals(hs.votedFor())) {
                throw fail("durability: " + node.id + " grants its vote to " + v.to() + " in term " + v.term()
                        + " but its disk holds term " + hs.term() + " vote " + hs.votedFor());
            }
        } else if (m instanceof VoteRequest v && !v.preVote()) {
            var hs = storage.durableHardState();
            if (hs.term() < v.term() || hs.term() == v.term() && !node.id.equals(hs.votedFor())) {
                throw fail("durability: " + node.id + " asks for votes in term " + v.term()
                        + " before its disk holds term and self-vote (disk: term " + hs.term() + " vote " + hs.votedFor() + ")");
            }
        } else if (m instanceof io.raftkit.spi.message.SnapshotResponse r && r.done()) {
            if (storage.durableLastIndex() < r.snapshotIndex()) {
                throw fail("durability: " + node.id + " says the snapshot at " + r.snapshotIndex()
                        + " is installed but its disk holds the log up to " + storage.durableLastIndex());
            }
        } else if (m instanceof AppendResponse a && a.success() && a.index() <= storage.durableSnapshotIndex()) {
            promisedTerms.remove(m); // covered by a durable snapshot
        } else if (m instanceof AppendResponse a && a.success()) {
            Long promised = promisedTerms.remove(m);
            long term = promised != null ? promised : node.raft.termAt(a.index());
            long durable = storage.durableLastIndex();
            boolean movedOn = storage.durableHardState().term() > a.term();
            // term -1: the entry was compacted here since (only applied, so durable, entries are)
            if (!movedOn && (durable < a.index() || term >= 0 && storage.durableTermAt(a.index()) != term)) {
                throw fail("durability: " + node.id + " acknowledges entries up to " + a.index() + " (term " + term
                        + " there) but its disk holds up to " + durable + " (term " + storage.durableTermAt(a.index()) + " there)");
            }
        }
    }

    /** Digest of a state machine's state after applying everything up to each index, by the first node there. */
    private final Map<Long, Long> stateDigests = new HashMap<>();

    /**
     * {@code node}'s state machine has applied everything up to {@code index} (or was restored to
     * it): its state must equal every other replica's at that index.
     */
    void stateAt(SimNode node, long index, long digest, boolean restored) {
        Long known = stateDigests.putIfAbsent(index, digest);
        if (known != null && known != digest) {
            throw fail("snapshot state: " + node.id + "'s state machine " + (restored ? "restored from a snapshot" : "")
                    + " at index " + index + " differs from another replica's at that index");
        }
    }

    /** The term committed at {@code index}, or -1 if no node was seen committing it. */
    long committedTermAt(long index) {
        return index < committedKnown.length && committedKnown[(int) index] ? committedTerm[(int) index] : -1;
    }

    long maxCommitted() {
        return maxCommitted;
    }
}
