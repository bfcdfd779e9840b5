package io.raftkit.spi.message;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.SnapshotMeta;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MessageValidatorTest {

    private static final Set<String> MEMBERS = Set.of("n1", "n2", "n3");
    private static final List<Entry> TWO = List.of(Entry.command(6, 2, new byte[0]), Entry.command(7, 3, new byte[0]));

    private static InvalidReason check(Message m) {
        return MessageValidator.check(m, "n2", MEMBERS);
    }

    @Test
    void whatCorrectNodesSendIsValid() {
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 2, TWO, 4))).isNull();
        assertThat(check(new AppendRequest("n1", "n2", 1, 0, 0, List.of(), 0))).isNull();
        assertThat(check(new AppendRequest("n1", "n2", 1, 0, 0,
                List.of(Entry.config(1, 0, ClusterConfig.of("n1", "n2", "n3"))), 0))).isNull();
        assertThat(check(new AppendResponse("n1", "n2", 3, false, 9, 4, 2))).isNull();
        assertThat(check(new AppendResponse("n1", "n2", 3, false, 0, 0, 0))).isNull();
        assertThat(check(new AppendResponse("n1", "n2", 3, true, 9, 0, 0))).isNull();
        assertThat(check(new VoteRequest("n3", "n2", 4, 7, 3, true, false))).isNull();
        assertThat(check(new VoteResponse("n3", "n2", 4, false, true))).isNull();
        assertThat(check(new VoteResponse("n2", "n2", 4, false, true))).as("a node's own vote").isNull();
        assertThat(check(new Heartbeat("n1", "n2", 3, 7, 2))).isNull();
        assertThat(check(new HeartbeatResponse("n1", "n2", 3, 2))).isNull();
        assertThat(check(new TimeoutNow("n1", "n2", 3))).isNull();
        assertThat(check(new SnapshotChunk("n1", "n2", 3, new SnapshotMeta(9, 2, ClusterConfig.of("n1")), 0,
                new byte[10], true))).isNull();
        assertThat(check(new SnapshotResponse("n1", "n2", 3, 9, 10, true, false))).isNull();
    }

    @Test
    void addressing() {
        assertThat(check(new Heartbeat(null, "n2", 3, 0, 0))).isEqualTo(InvalidReason.EMPTY_SENDER);
        assertThat(check(new Heartbeat("n1", "", 3, 0, 0))).isEqualTo(InvalidReason.EMPTY_RECIPIENT);
        assertThat(check(new Heartbeat("n2", "n2", 3, 0, 0))).isEqualTo(InvalidReason.SENDER_IS_RECIPIENT);
        assertThat(check(new Heartbeat("n1", "n3", 3, 0, 0))).isEqualTo(InvalidReason.WRONG_RECIPIENT);
        assertThat(check(new Heartbeat("n9", "n2", 3, 0, 0))).isEqualTo(InvalidReason.NOT_A_MEMBER);
        assertThat(MessageValidator.check(new Heartbeat("n9", "n2", 3, 0, 0))).as("structure only").isNull();
    }

    @Test
    void termsAndIndexesStayInRange() {
        long max = MessageValidator.MAX_TERM_OR_INDEX;
        assertThat(check(new VoteResponse("n1", "n2", -1, false, false))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new VoteResponse("n1", "n2", max, false, false))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new VoteRequest("n1", "n2", 0, 0, 0, false, false))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new TimeoutNow("n1", "n2", 0))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new Heartbeat("n1", "n2", 0, 0, 0))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new Heartbeat("n1", "n2", 3, -1, 0))).isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new Heartbeat("n1", "n2", 3, 0, -5))).isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new HeartbeatResponse("n1", "n2", 3, max))).isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new AppendRequest("n1", "n2", 3, max - 1, 2, TWO, 0)))
                .isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 2, TWO, -1))).isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new AppendResponse("n1", "n2", 3, true, -1, 0, 0))).isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new AppendResponse("n1", "n2", 3, false, 5, 0, -1))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new SnapshotResponse("n1", "n2", 3, -1, 0, false, false)))
                .isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
        assertThat(check(new SnapshotChunk("n1", "n2", 3, new SnapshotMeta(9, 2, ClusterConfig.of("n1")), -1,
                new byte[1], false))).isEqualTo(InvalidReason.INDEX_OUT_OF_RANGE);
    }

    @Test
    void logPositionsAreConsistentWithTheTerm() {
        assertThat(check(new VoteRequest("n1", "n2", 3, 7, 4, false, false))).isEqualTo(InvalidReason.LOG_TERM_ABOVE_TERM);
        assertThat(check(new VoteRequest("n1", "n2", 3, 0, 1, true, false))).isEqualTo(InvalidReason.TERM_AT_INDEX_ZERO);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 4, List.of(), 0))).isEqualTo(InvalidReason.LOG_TERM_ABOVE_TERM);
        assertThat(check(new AppendRequest("n1", "n2", 3, 0, 2, List.of(), 0))).isEqualTo(InvalidReason.TERM_AT_INDEX_ZERO);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, -1, List.of(), 0))).isEqualTo(InvalidReason.TERM_OUT_OF_RANGE);
        assertThat(check(new AppendResponse("n1", "n2", 3, false, 5, 4, 4))).isEqualTo(InvalidReason.LOG_TERM_ABOVE_TERM);
        assertThat(check(new AppendResponse("n1", "n2", 3, false, 5, 6, 1))).isEqualTo(InvalidReason.HINT_ABOVE_INDEX);
        assertThat(check(new SnapshotChunk("n1", "n2", 3, new SnapshotMeta(9, 4, ClusterConfig.of("n1")), 0,
                new byte[1], false))).isEqualTo(InvalidReason.LOG_TERM_ABOVE_TERM);
    }

    @Test
    void entriesAreContiguousAfterThePreviousIndexWithTermsThatNeverGoDown() {
        assertThat(check(new AppendRequest("n1", "n2", 3, 4, 2, TWO, 0))).isEqualTo(InvalidReason.ENTRIES_NOT_CONTIGUOUS);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 2, List.of(TWO.get(1), TWO.get(0)), 0)))
                .isEqualTo(InvalidReason.ENTRIES_NOT_CONTIGUOUS);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 2,
                List.of(Entry.command(6, 3, new byte[0]), Entry.command(7, 2, new byte[0])), 0)))
                .isEqualTo(InvalidReason.ENTRY_TERMS_DECREASING);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 3, TWO, 0))).isEqualTo(InvalidReason.ENTRY_TERMS_DECREASING);
        assertThat(check(new AppendRequest("n1", "n2", 2, 5, 2, TWO, 0))).isEqualTo(InvalidReason.LOG_TERM_ABOVE_TERM);
    }

    @Test
    void configurationsMustDecodeAndHaveVoters() {
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 2,
                List.of(new Entry(6, 3, io.raftkit.spi.EntryType.CONFIG, new byte[] {0, 0})), 0)))
                .isEqualTo(InvalidReason.BAD_CONFIGURATION);
        assertThat(check(new AppendRequest("n1", "n2", 3, 5, 2, List.of(Entry.config(6, 3, ClusterConfig.EMPTY)), 0)))
                .isEqualTo(InvalidReason.BAD_CONFIGURATION);
        assertThat(check(new SnapshotChunk("n1", "n2", 3, new SnapshotMeta(9, 2, ClusterConfig.EMPTY), 0,
                new byte[1], false))).isEqualTo(InvalidReason.BAD_CONFIGURATION);
    }

    @Test
    void aSnapshotResponseIsNotBothDoneAndRejected() {
        assertThat(check(new SnapshotResponse("n1", "n2", 3, 9, 0, true, true)))
                .isEqualTo(InvalidReason.CONTRADICTORY_FLAGS);
    }
}
