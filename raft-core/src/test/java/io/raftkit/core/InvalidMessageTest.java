package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.VoteRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Peer input never makes {@link RaftNode#step} throw: a malformed message, or one no correct peer
 * could send given the receiver's log, is dropped before it changes anything, and counted.
 */
class InvalidMessageTest {

    /** A 3-node cluster led by n1 in term 1 with {@code commands} committed and applied everywhere. */
    private static TestCluster cluster(int commands) {
        TestCluster c = TestCluster.of(3);
        c.elect("n1");
        for (int i = 0; i < commands; i++) {
            c.node("n1").propose(new byte[] {(byte) i});
        }
        c.stabilize();
        c.tickAll(3); // heartbeats carry the final commit index to the followers
        return c;
    }

    /** Steps {@code m} into {@code to}; asserts it was dropped for {@code reason} and left the node as it was. */
    private static void assertDropped(TestCluster c, String to, Message m, InvalidReason reason) {
        RaftNode node = c.node(to);
        c.takeInFlight();
        String before = node.toString();
        long dropped = node.droppedMessages().count(m.kind(), reason);
        assertThatCode(() -> node.step(m)).doesNotThrowAnyException();
        assertThat(node.droppedMessages().count(m.kind(), reason)).as("dropped as " + reason).isEqualTo(dropped + 1);
        assertThat(node.toString()).isEqualTo(before);
        assertThat(node.hasReady()).isFalse();
        assertThat(c.takeInFlight()).isEmpty();
    }

    private static void assertClusterStillCommits(TestCluster c) {
        long applied = c.host("n3").appliedCommands().size();
        c.node(c.leader()).propose(new byte[] {42});
        c.stabilize();
        c.tickAll(3);
        for (String id : List.of("n1", "n2", "n3")) {
            assertThat(c.host(id).appliedCommands()).hasSize((int) applied + 1);
        }
    }

    @Test
    void anAppendWhoseEntriesDoNotStartAfterThePreviousIndexIsDropped() {
        TestCluster c = cluster(3);
        RaftNode n2 = c.node("n2");
        long last = n2.lastIndex();
        // this used to reach the log's suffix replacement and throw IndexOutOfBoundsException
        assertDropped(c, "n2", new AppendRequest("n1", "n2", n2.term(), last, n2.lastTerm(),
                List.of(Entry.command(last + 2, n2.term(), new byte[0])), n2.commitIndex()),
                InvalidReason.ENTRIES_NOT_CONTIGUOUS);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", n2.term(), last, n2.lastTerm(),
                List.of(Entry.command(last + 1, n2.term(), new byte[0]), Entry.command(last + 3, n2.term(), new byte[0])),
                n2.commitIndex()), InvalidReason.ENTRIES_NOT_CONTIGUOUS);
        assertClusterStillCommits(c);
    }

    @Test
    void anAppendThatWouldReplaceCommittedEntriesIsDroppedNotObeyed() {
        TestCluster c = cluster(3);
        RaftNode n2 = c.node("n2");
        assertThat(n2.commitIndex()).isEqualTo(n2.lastIndex()).isGreaterThanOrEqualTo(5);
        // entry 2 (the leader's no-op of term 1) is committed: a leader of any term at least
        // ours holds it, so an append saying index 2 has term 0 cannot come from one; with a
        // higher term it used to make n2 adopt that term and acknowledge
        assertDropped(c, "n2", new AppendRequest("n3", "n2", n2.term() + 5, 1, 0,
                List.of(Entry.command(2, 0, new byte[] {9})), 3), InvalidReason.CONFLICTS_WITH_COMMITTED);
        // the same through the previous entry: index 3 has term 1, not 0
        assertDropped(c, "n2", new AppendRequest("n1", "n2", n2.term(), 3, 0, List.of(), 3),
                InvalidReason.CONFLICTS_WITH_COMMITTED);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", n2.term(), n2.commitIndex(), 0, List.of(), 3),
                InvalidReason.CONFLICTS_WITH_COMMITTED);
        assertThat(n2.termAt(2)).isEqualTo(1);
        assertClusterStillCommits(c);
    }

    @Test
    void aStaleAppendThatContradictsCommittedEntriesIsAnsweredWithTheNewerTermNotDropped() {
        TestCluster c = cluster(2);
        RaftNode n2 = c.node("n2");
        n2.step(new Heartbeat("n3", "n2", 5, 0, 0)); // n3 leads term 5
        long term = n2.term();
        assertThat(term).isEqualTo(5);
        c.takeInFlight();
        // a deposed leader of an older term may lack committed entries: it must learn our term
        n2.step(new AppendRequest("n1", "n2", term - 1, 1, 0, List.of(Entry.command(2, 0, new byte[0])), 0));
        assertThat(n2.droppedMessages().total()).isZero();
        assertThat(n2.termAt(2)).isEqualTo(1);
        assertThat(c.takeInFlight()).filteredOn(m -> m instanceof AppendResponse).singleElement()
                .satisfies(m -> assertThat(m.term()).isEqualTo(term));
    }

    @Test
    void aHeartbeatWithACommitIndexBeyondTheLogIsDropped() {
        TestCluster c = cluster(2);
        RaftNode n2 = c.node("n2");
        assertDropped(c, "n2", new Heartbeat("n1", "n2", n2.term(), n2.lastIndex() + 1, 0),
                InvalidReason.COMMIT_BEYOND_LOG);
        assertDropped(c, "n2", new Heartbeat("n1", "n2", n2.term() + 1, Long.MAX_VALUE / 4, 0),
                InvalidReason.COMMIT_BEYOND_LOG);
        assertClusterStillCommits(c);
    }

    @Test
    void anAppendResponseAboutAnIndexBeyondTheLeadersLogIsDropped() {
        TestCluster c = cluster(2);
        RaftNode n1 = c.node("n1");
        long match = n1.progress("n2").match();
        // accepted, it used to set n2's match and next beyond the log, which sent the leader
        // looking for a snapshot and stalled replication to n2
        assertDropped(c, "n1", new AppendResponse("n2", "n1", n1.term(), true, n1.lastIndex() + 100, 0, 0),
                InvalidReason.INDEX_BEYOND_LOG);
        assertDropped(c, "n1", new AppendResponse("n2", "n1", n1.term(), false, n1.lastIndex() + 1, 0, 0),
                InvalidReason.INDEX_BEYOND_LOG);
        assertThat(n1.progress("n2").match()).isEqualTo(match);
        assertClusterStillCommits(c);
    }

    @Test
    void aHeartbeatResponseForAReadRoundNeverSentIsDropped() {
        TestCluster c = cluster(1);
        RaftNode n1 = c.node("n1");
        assertDropped(c, "n1", new HeartbeatResponse("n2", "n1", n1.term(), 1_000), InvalidReason.UNKNOWN_READ_CONTEXT);
        assertClusterStillCommits(c);
    }

    @Test
    void messagesFromNonMembersOrForOtherNodesAreDropped() {
        TestCluster c = cluster(1);
        RaftNode n2 = c.node("n2");
        // a vote request from outside the cluster would otherwise move n2 to its term
        assertDropped(c, "n2", new VoteRequest("n9", "n2", n2.term() + 10, 100, 1, false, true),
                InvalidReason.NOT_A_MEMBER);
        assertDropped(c, "n2", new VoteRequest("n3", "n1", n2.term() + 10, 100, 1, false, true),
                InvalidReason.WRONG_RECIPIENT);
        assertDropped(c, "n2", new Heartbeat("n2", "n2", n2.term() + 1, 0, 0), InvalidReason.SENDER_IS_RECIPIENT);
        assertClusterStillCommits(c);
    }

    @Test
    void structurallyBrokenMessagesAreDropped() {
        TestCluster c = cluster(1);
        RaftNode n2 = c.node("n2");
        long t = n2.term();
        assertDropped(c, "n2", new Heartbeat("n1", "n2", -1, 0, 0), InvalidReason.TERM_OUT_OF_RANGE);
        assertDropped(c, "n2", new Heartbeat("n1", "n2", Long.MAX_VALUE, 0, 0), InvalidReason.TERM_OUT_OF_RANGE);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", t, -1, 0, List.of(), 0), InvalidReason.INDEX_OUT_OF_RANGE);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", t, 2, t + 1, List.of(), 0),
                InvalidReason.LOG_TERM_ABOVE_TERM);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", t, n2.lastIndex(), n2.lastTerm(),
                List.of(Entry.command(n2.lastIndex() + 1, t + 1, new byte[0])), 0), InvalidReason.LOG_TERM_ABOVE_TERM);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", t, n2.lastIndex(), n2.lastTerm(),
                List.of(Entry.command(n2.lastIndex() + 1, n2.lastTerm() - 1, new byte[0])), 0),
                InvalidReason.ENTRY_TERMS_DECREASING);
        assertDropped(c, "n2", new AppendRequest("n1", "n2", t, n2.lastIndex(), n2.lastTerm(),
                List.of(new Entry(n2.lastIndex() + 1, t, io.raftkit.spi.EntryType.CONFIG, new byte[] {1})), 0),
                InvalidReason.BAD_CONFIGURATION);
        assertDropped(c, "n2", new VoteRequest("n3", "n2", t + 1, 0, 1, false, false), InvalidReason.TERM_AT_INDEX_ZERO);
        assertDropped(c, "n2", new Heartbeat("", "n2", t, 0, 0), InvalidReason.EMPTY_SENDER);
        assertClusterStillCommits(c);
    }
}
