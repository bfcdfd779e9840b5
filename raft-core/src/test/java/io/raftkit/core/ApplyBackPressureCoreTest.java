package io.raftkit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RaftConfig#maxUnappliedBytes: committed entries are handed out only while the host keeps up. */
class ApplyBackPressureCoreTest {

    private static final int COMMAND_BYTES = 100;
    private static final long ENTRY_BYTES = Entry.command(1, 1, new byte[COMMAND_BYTES]).sizeBytes();

    private final InMemoryLogStorage storage = new InMemoryLogStorage();

    private RaftNode leader(long maxUnappliedBytes) {
        RaftNode.bootstrap(storage, ClusterConfig.of(List.of("n1")));
        RaftNode node = new RaftNode(RaftConfig.defaults("n1").withMaxUnappliedBytes(maxUnappliedBytes), storage, 0,
                new Random(1));
        for (int i = 0; i < 100 && node.role() != Role.LEADER; i++) {
            node.tick();
            handOut(node);
        }
        assertThat(node.role()).isEqualTo(Role.LEADER);
        return node;
    }

    /** Handles every Ready as a host whose writes are durable at once; returns the committed entries. */
    private List<Entry> handOut(RaftNode node) {
        List<Entry> committed = new ArrayList<>();
        while (node.hasReady()) {
            Ready rd = node.ready();
            if (rd.needsWrite()) {
                storage.append(rd.hardState(), rd.entries());
            }
            committed.addAll(rd.committedEntries());
            node.advance(rd);
            if (rd.lastEntry() != null) {
                node.persisted(rd.lastEntry().index(), rd.lastEntry().term());
            }
            for (Message m : rd.persistedMessages()) {
                node.step(m);
            }
        }
        return committed;
    }

    private static long bytes(List<Entry> entries) {
        return entries.stream().mapToLong(Entry::sizeBytes).sum();
    }

    @Test
    void committedEntriesBeyondTheBoundWaitUntilTheHostReportsApplied() {
        long bound = 5 * ENTRY_BYTES;
        RaftNode node = leader(bound);
        node.appliedTo(node.commitIndex()); // the configuration entry and the leader's no-op
        handOut(node);
        node.appliedTo(node.commitIndex());
        long applied = node.commitIndex();

        for (int i = 0; i < 20; i++) {
            node.propose(new byte[COMMAND_BYTES]);
        }
        List<Entry> first = handOut(node);
        assertThat(node.commitIndex()).isEqualTo(applied + 20);
        assertThat(first).hasSize(5);
        assertThat(bytes(first)).isLessThanOrEqualTo(bound);
        assertThat(node.hasReady()).as("held back: no busy loop while the host is behind").isFalse();
        assertThat(node.unappliedBytes()).isEqualTo(bytes(first));

        node.appliedTo(first.get(1).index()); // partial progress frees nothing of a batch not fully applied
        assertThat(node.hasReady()).isFalse();
        node.appliedTo(first.get(4).index());
        List<Entry> second = handOut(node);
        assertThat(second).hasSize(5);
        assertThat(second.get(0).index()).isEqualTo(first.get(4).index() + 1);

        node.appliedTo(node.commitIndex()); // reporting ahead of what was handed out is harmless
        List<Entry> rest = new ArrayList<>();
        List<Entry> batch;
        while (!(batch = handOut(node)).isEmpty()) {
            rest.addAll(batch);
            node.appliedTo(batch.get(batch.size() - 1).index());
        }
        assertThat(rest).hasSize(10);
        assertThat(node.unappliedBytes()).isZero();
    }

    @Test
    void anEntryLargerThanTheBoundIsStillHandedOutWhenNothingIsOutstanding() {
        RaftNode node = leader(ENTRY_BYTES / 2);
        node.appliedTo(node.commitIndex());
        handOut(node);
        node.appliedTo(node.commitIndex());
        node.propose(new byte[COMMAND_BYTES]);
        node.propose(new byte[COMMAND_BYTES]);
        assertThat(handOut(node)).hasSize(1);
        node.appliedTo(node.commitIndex());
        assertThat(handOut(node)).hasSize(1);
    }

    @Test
    void aNegativeBoundIsRefusedNamingTheField() {
        assertThatThrownBy(() -> RaftConfig.defaults("n1").withMaxUnappliedBytes(-1))
                .hasMessageContaining("maxUnappliedBytes");
        assertThat(RaftConfig.defaults("n1").maxUnappliedBytes()).as("no bound unless asked").isZero();
    }

    @Test
    void withoutABoundTheHostNeedNotReport() {
        RaftNode node = leader(0);
        for (int i = 0; i < 20; i++) {
            node.propose(new byte[COMMAND_BYTES]);
        }
        assertThat(handOut(node)).hasSize(20);
        assertThat(node.unappliedBytes()).isZero();
    }
}
