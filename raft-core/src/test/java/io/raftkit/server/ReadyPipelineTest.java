package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raftkit.core.ReadState;
import io.raftkit.core.Ready;
import io.raftkit.core.Role;
import io.raftkit.core.SoftState;
import io.raftkit.errors.LogStorageException;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.VoteResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The pipeline alone, without threads: every call it makes on the node, the storage, the network
 * and the sink is recorded in one list, so a test reads as the order in which things happen.
 * Storage futures are completed by hand; completion callbacks run when the test says so.
 */
class ReadyPipelineTest {

    private final List<String> log = new ArrayList<>();
    private final List<CompletableFuture<Void>> writes = new ArrayList<>();
    private final ArrayDeque<Runnable> callbacks = new ArrayDeque<>();
    private final ReadyPipeline pipeline = pipeline(new HardState(1, "n1", 0));

    private ReadyPipeline pipeline(HardState durable) {
        ReadyPipeline.Core core = new ReadyPipeline.Core() {
            @Override
            public void advance(Ready ready) {
                log.add("advance");
            }

            @Override
            public void persisted(long index, long term) {
                log.add("persisted " + index);
            }

            @Override
            public void step(Message m) {
                log.add("step " + describe(m));
            }
        };
        ReadyPipeline.ApplySink sink = new ReadyPipeline.ApplySink() {
            @Override
            public void softState(SoftState s) {
                log.add("soft " + s.role());
            }

            @Override
            public void committed(List<Entry> entries) {
                log.add("apply to " + entries.get(entries.size() - 1).index());
            }

            @Override
            public void readStates(List<ReadState> readStates) {
                log.add("reads " + readStates.size());
            }
        };
        return new ReadyPipeline("n1", core, durable, (hs, entries) -> {
            log.add("write " + (hs == null ? "-" : "hs(" + hs.term() + "," + hs.votedFor() + "," + hs.commit() + ")")
                    + " entries " + entries.size());
            CompletableFuture<Void> f = new CompletableFuture<>();
            writes.add(f);
            return f;
        }, m -> log.add("send " + describe(m)), sink, () -> log.add("wakeup"), callbacks::add);
    }

    private static String describe(Message m) {
        if (m instanceof AppendResponse a) {
            return "ack " + a.index() + " to " + a.to();
        }
        if (m instanceof AppendRequest a) {
            return "append " + a.entries().size() + " to " + a.to();
        }
        if (m instanceof VoteResponse v) {
            return "vote to " + v.to();
        }
        return m.toString();
    }

    private static Entry entry(long index) {
        return Entry.command(index, 1, new byte[] {(byte) index});
    }

    private static AppendResponse ack(long index, String to) {
        return new AppendResponse("n1", to, 1, true, index, 0, 0);
    }

    private static Ready ready(HardState hs, List<Entry> entries, List<Message> messages, List<Message> persisted) {
        return new Ready(null, hs, entries, messages, persisted, List.of(), List.of());
    }

    /** Completes write {@code i} and runs the completion callbacks queued so far. */
    private void durable(int i) {
        writes.get(i).complete(null);
        runCallbacks();
    }

    private void runCallbacks() {
        Runnable r;
        while ((r = callbacks.poll()) != null) {
            r.run();
        }
    }

    private List<String> drain() {
        List<String> out = List.copyOf(log);
        log.clear();
        return out;
    }

    @Test
    void messagesLeaveAtOnceAndAcknowledgementsOnlyOnceTheWriteIsDurable() {
        pipeline.handleReady(ready(null, List.of(entry(1), entry(2)),
                List.of(new AppendRequest("n1", "n2", 1, 0, 0, List.of(), 0)), List.of(ack(2, "n2"))));
        assertThat(drain()).containsExactly("send append 0 to n2", "write - entries 2", "advance");
        assertThat(pipeline.releaseDurable()).isFalse();

        durable(0);
        // the completion callback sends early: every earlier write is durable when a future completes
        assertThat(drain()).containsExactly("send ack 2 to n2", "wakeup");
        assertThat(pipeline.releaseDurable()).isTrue();
        assertThat(drain()).as("released without sending the acknowledgement twice").containsExactly("persisted 2");
    }

    @Test
    void theLoopSendsAtReleaseWhenItGetsThereBeforeTheCallbackAndTheCallbackThenSendsNothing() {
        pipeline.handleReady(ready(null, List.of(entry(1)), List.of(), List.of(ack(1, "n2"))));
        drain();
        writes.get(0).complete(null); // durable; its callback has not run yet
        assertThat(pipeline.hasReleasable()).isTrue();
        assertThat(pipeline.releaseDurable()).isTrue();
        assertThat(drain()).containsExactly("persisted 1", "send ack 1 to n2");
        runCallbacks();
        assertThat(drain()).containsExactly("wakeup");
    }

    @Test
    void writesAreReleasedInOrderEvenIfALaterFutureCompletesFirst() {
        pipeline.handleReady(ready(null, List.of(entry(1)), List.of(), List.of()));
        pipeline.handleReady(ready(null, List.of(entry(2)), List.of(), List.of()));
        drain();
        writes.get(1).complete(null);
        assertThat(pipeline.hasReleasable()).isFalse();
        assertThat(pipeline.releaseDurable()).isFalse();
        assertThat(drain()).isEmpty();
        writes.get(0).complete(null);
        assertThat(pipeline.releaseDurable()).isTrue();
        assertThat(drain()).containsExactly("persisted 1", "persisted 2");
        assertThat(pipeline.pendingWrites()).isZero();
    }

    @Test
    void aReadyWithoutAWriteWaitsAsABarrierBehindEarlierWrites() {
        pipeline.handleReady(ready(null, List.of(entry(1)), List.of(), List.of(ack(1, "n2"))));
        // e.g. a heartbeat response that promises the log up to 1: it must not overtake the write
        pipeline.handleReady(ready(null, List.of(), List.of(), List.of(ack(1, "n3"), ack(1, "n1"))));
        assertThat(drain()).containsExactly("write - entries 1", "advance", "advance");
        assertThat(pipeline.pendingWrites()).isEqualTo(2);

        writes.get(0).complete(null);
        assertThat(pipeline.releaseDurable()).isTrue();
        assertThat(drain()).containsExactly("persisted 1", "send ack 1 to n2", "send ack 1 to n3", "step ack 1 to n1");
        runCallbacks();
        assertThat(drain()).containsExactly("wakeup");
    }

    @Test
    void aReadyWithoutAWriteAndNothingInFlightIsReleasedAtOnceAfterAdvance() {
        pipeline.handleReady(ready(null, List.of(), List.of(), List.of(ack(3, "n2"), ack(3, "n1"))));
        assertThat(drain()).containsExactly("advance", "send ack 3 to n2", "step ack 3 to n1");
        assertThat(pipeline.pendingWrites()).isZero();
    }

    @Test
    void persistedMessagesToThisNodeAreSteppedAtReleaseNeverSent() {
        pipeline.handleReady(ready(null, List.of(entry(1)), List.of(), List.of(ack(1, "n1"))));
        drain();
        durable(0);
        assertThat(drain()).containsExactly("wakeup");
        pipeline.releaseDurable();
        assertThat(drain()).containsExactly("persisted 1", "step ack 1 to n1");
    }

    @Test
    void aHardStateThatChangesOnlyTheCommitIndexWaitsForTheNextWrite() {
        pipeline.handleReady(ready(new HardState(1, "n1", 5), List.of(), List.of(), List.of()));
        assertThat(drain()).as("no sync for a commit index alone").containsExactly("advance");
        pipeline.handleReady(ready(null, List.of(entry(6)), List.of(), List.of()));
        assertThat(drain()).containsExactly("write hs(1,n1,5) entries 1", "advance");
        pipeline.handleReady(ready(null, List.of(entry(7)), List.of(), List.of()));
        assertThat(drain()).as("written once").containsExactly("write - entries 1", "advance");
    }

    @Test
    void aNewTermOrVoteIsWrittenAtOnceEvenWithoutEntries() {
        pipeline.handleReady(ready(new HardState(1, "n1", 5), List.of(), List.of(), List.of()));
        pipeline.handleReady(ready(new HardState(2, null, 5), List.of(), List.of(), List.of()));
        pipeline.handleReady(ready(new HardState(2, "n3", 5), List.of(), List.of(),
                List.of(new VoteResponse("n1", "n3", 2, false, true))));
        assertThat(drain()).containsExactly("advance", "write hs(2,null,5) entries 0", "advance",
                "write hs(2,n3,5) entries 0", "advance");
        durable(0);
        durable(1);
        assertThat(drain()).containsExactly("wakeup", "send vote to n3", "wakeup");
    }

    @Test
    void anEmptyAppendIsDroppedWhenALaterAppendOfTheSameReadyCarriesEntriesAndTheCommit() {
        AppendRequest emptyToN2 = new AppendRequest("n1", "n2", 1, 4, 1, List.of(), 4);
        AppendRequest emptyToN3 = new AppendRequest("n1", "n3", 1, 4, 1, List.of(), 4);
        AppendRequest fullToN2 = new AppendRequest("n1", "n2", 1, 4, 1, List.of(entry(5)), 4);
        AppendRequest olderCommitToN3 = new AppendRequest("n1", "n3", 1, 4, 1, List.of(entry(5)), 3);
        pipeline.handleReady(ready(null, List.of(), List.of(emptyToN2, emptyToN3, fullToN2, olderCommitToN3), List.of()));
        assertThat(drain()).containsExactly("send append 0 to n3", "send append 1 to n2", "send append 1 to n3",
                "advance");
    }

    @Test
    void aFailedWriteIsFatalAndNothingItOrALaterWritePromisesIsEverSent() {
        pipeline.handleReady(ready(null, List.of(entry(1)), List.of(), List.of(ack(1, "n2"))));
        pipeline.handleReady(ready(null, List.of(entry(2)), List.of(), List.of(ack(2, "n2"))));
        drain();
        writes.get(0).completeExceptionally(new LogStorageException("disk full"));
        writes.get(1).completeExceptionally(new LogStorageException("disk full"));
        runCallbacks();
        assertThat(drain()).containsExactly("wakeup", "wakeup");
        assertThat(pipeline.hasReleasable()).isTrue();
        assertThatThrownBy(pipeline::releaseDurable).isInstanceOf(LogStorageException.class)
                .hasMessageContaining("fail-stop").hasRootCauseMessage("disk full");
        assertThat(drain()).isEmpty();
    }

    @Test
    void theSinkSeesTheSoftStateFirstAndCommittedEntriesAndReadsBeforeAdvance() {
        pipeline.handleReady(new Ready(new SoftState(Role.LEADER, "n1", 1), null, List.of(entry(3)),
                List.of(new AppendRequest("n1", "n2", 1, 2, 1, List.of(entry(3)), 2)), List.of(),
                List.of(entry(1), entry(2)), List.of(new ReadState(7, 2))));
        assertThat(drain()).containsExactly("soft LEADER", "send append 1 to n2", "write - entries 1", "apply to 2",
                "reads 1", "advance");
    }
}
