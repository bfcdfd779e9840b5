package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.ReadState;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deterministic routing classes on their own: {@link RequestRouter} and {@link ForwardServer}. */
class RequestRoutingTest {

    /** A request as a test sees it: what happened to it. */
    static final class Req {
        final String name;
        final boolean read;
        String outcome;
        boolean sent;

        Req(String name, boolean read) {
            this.name = name;
            this.read = read;
        }
    }

    /** What a batch of the router's may weigh here: three 26-byte commands fit, a fourth does not. */
    static final long MAX_BATCH_BYTES = 3 * (2 + Entry.OVERHEAD_BYTES);

    final List<Message> out = new ArrayList<>();
    final RequestRouter<Req> router = new RequestRouter<>("n2", new RequestRouter.Requests<>() {
        @Override public byte[] payload(Req r) { return r.name.getBytes(); }
        @Override public boolean isDone(Req r) { return r.outcome != null; }
        @Override public boolean markSent(Req r) { r.sent = true; return r.outcome == null; }
        @Override public void markUnsent(Req r) { r.sent = false; }
        @Override public void succeeded(Req r, byte[] result) { r.outcome = "ok:" + new String(result); }
        @Override public void failed(Req r, RuntimeException e) { r.outcome = e.getClass().getSimpleName(); }
        @Override public void readIndexKnown(Req r, long index) { r.outcome = "index:" + index; }
        @Override public void serveLocally(Req r, boolean read) { r.outcome = "local"; }
    }, out::add, 3, MAX_BATCH_BYTES, 0);

    private Message last() {
        return out.get(out.size() - 1);
    }

    private long lastCommandId() {
        List<ForwardRequest.Command> commands = ((ForwardRequest) last()).commands();
        return commands.get(commands.size() - 1).requestId();
    }

    private long lastReadId() {
        List<ReadIndexRequest.Read> reads = ((ReadIndexRequest) last()).reads();
        return reads.get(reads.size() - 1).requestId();
    }

    @Test
    void aRequestWaitsWithNoLeaderAndLeavesWhenOneIsKnown() {
        Req w = new Req("w", false);
        router.forwardWrite(w);
        router.flush();
        assertThat(out).isEmpty();
        router.leaderChanged("n1", 2);
        router.flush();
        assertThat(last()).isInstanceOf(ForwardRequest.class).extracting(Message::to).isEqualTo("n1");
        router.onResponse(new ForwardResponse("n1", "n2", 2, lastCommandId(), RouteStatus.OK, "r".getBytes(), null));
        assertThat(w.outcome).isEqualTo("ok:r");
    }

    /**
     * A NOT_LEADER answer does not prove that nothing was done: another copy of the request may
     * have reached a leader before (soak seed 2899 applied a command twice when it was sent again).
     */
    @Test
    void aNotLeaderAnswerToAForwardedCommandIsAnUnknownOutcomeNotARetry() {
        router.leaderChanged("n1", 2);
        Req w = new Req("w", false);
        router.forwardWrite(w);
        router.flush();
        router.onResponse(new ForwardResponse("n1", "n2", 3, lastCommandId(), RouteStatus.NOT_LEADER, new byte[0],
                "n3"));
        assertThat(w.outcome).isEqualTo("UnknownOutcomeException");
        router.leaderChanged("n3", 3);
        router.tick();
        router.flush();
        assertThat(out).as("never sent again").hasSize(1);
    }

    @Test
    void aLeaderChangeFailsACommandInFlightWithUnknownOutcomeButSendsAReadAgain() {
        router.leaderChanged("n1", 2);
        Req w = new Req("w", false);
        Req r = new Req("r", true);
        router.forwardWrite(w);
        router.forwardRead(r, false);
        router.flush();
        long readId = lastReadId();
        router.leaderChanged("n3", 3);
        router.flush();
        assertThat(w.outcome).isEqualTo(UnknownOutcomeException.class.getSimpleName());
        assertThat(last()).isInstanceOf(ReadIndexRequest.class).extracting(Message::to).isEqualTo("n3");
        // the old leader's late answer no longer counts
        router.onResponse(new ReadIndexResponse("n1", "n2", 2, readId, RouteStatus.OK, 5, null));
        assertThat(r.outcome).isNull();
        router.onResponse(new ReadIndexResponse("n3", "n2", 3, lastReadId(), RouteStatus.OK, 9, null));
        assertThat(r.outcome).isEqualTo("index:9");
    }

    @Test
    void aReadWithoutAnswerIsAskedAgainAfterTheRetryTicks() {
        router.leaderChanged("n1", 2);
        Req r = new Req("r", true);
        router.forwardRead(r, true);
        router.flush();
        assertThat(((ReadIndexRequest) last()).reads().get(0).lease()).isTrue();
        int sent = out.size();
        router.tick();
        router.tick();
        router.flush();
        assertThat(out).hasSize(sent);
        router.tick();
        router.flush();
        assertThat(out).hasSize(sent + 1);
    }

    @Test
    void becomingTheLeaderHandsWaitingRequestsBackToServeLocally() {
        Req w = new Req("w", false);
        router.forwardWrite(w);
        router.leaderChanged("n2", 4);
        assertThat(w.outcome).isEqualTo("local");
    }

    // --- batching on the follower's side -------------------------------------------------------

    @Test
    void theCommandsAndReadsOfOneTurnLeaveInOneMessageEachAndTheirAnswersSettleEveryOne() {
        router.leaderChanged("n1", 2);
        List<Req> writes = List.of(new Req("w1", false), new Req("w2", false), new Req("w3", false));
        List<Req> reads = List.of(new Req("r1", true), new Req("r2", true));
        writes.forEach(router::forwardWrite);
        reads.forEach(r -> router.forwardRead(r, false));
        assertThat(out).as("nothing leaves before the turn ends").isEmpty();
        router.flush();
        assertThat(out).hasSize(2);
        ForwardRequest f = (ForwardRequest) out.get(0);
        ReadIndexRequest q = (ReadIndexRequest) out.get(1);
        assertThat(f.commands()).extracting(c -> new String(c.command())).containsExactly("w1", "w2", "w3");
        assertThat(q.reads()).hasSize(2);
        router.onResponse(new ForwardResponse("n1", "n2", 2, List.of(
                new ForwardResponse.Answer(f.commands().get(2).requestId(), RouteStatus.OK, "c".getBytes(), null),
                new ForwardResponse.Answer(f.commands().get(0).requestId(), RouteStatus.OK, "a".getBytes(), null),
                new ForwardResponse.Answer(f.commands().get(1).requestId(), RouteStatus.OVERLOADED, new byte[0], null))));
        assertThat(writes).extracting(r -> r.outcome).containsExactly("ok:a", "OverloadedException", "ok:c");
        router.onResponse(new ReadIndexResponse("n1", "n2", 2, List.of(
                new ReadIndexResponse.Answer(q.reads().get(0).requestId(), RouteStatus.OK, 7, null),
                new ReadIndexResponse.Answer(q.reads().get(1).requestId(), RouteStatus.OK, 8, null))));
        assertThat(reads).extracting(r -> r.outcome).containsExactly("index:7", "index:8");
    }

    @Test
    void aBatchIsSplitWhereItWouldPassTheTransportsMessageBound() {
        router.leaderChanged("n1", 2);
        for (int i = 0; i < 7; i++) {
            router.forwardWrite(new Req("w" + i, false));
        }
        router.flush();
        assertThat(out).hasSize(3);
        assertThat(out).allSatisfy(m -> assertThat(((ForwardRequest) m).sizeBytes()).isLessThanOrEqualTo(MAX_BATCH_BYTES));
        assertThat(out).extracting(m -> ((ForwardRequest) m).commands().size()).containsExactly(3, 3, 1);
    }

    @Test
    void aLeaderChangeMidBatchFailsEveryCommandInItWithUnknownOutcome() {
        router.leaderChanged("n1", 2);
        List<Req> writes = List.of(new Req("w1", false), new Req("w2", false), new Req("w3", false));
        writes.forEach(router::forwardWrite);
        router.flush();
        router.onResponse(new ForwardResponse("n1", "n2", 2, ((ForwardRequest) last()).commands().get(0).requestId(),
                RouteStatus.OK, new byte[0], null));
        router.leaderChanged("n3", 3);
        router.tick();
        router.flush();
        assertThat(writes).extracting(r -> r.outcome)
                .containsExactly("ok:", "UnknownOutcomeException", "UnknownOutcomeException");
        assertThat(out).as("never sent again").hasSize(1);
        // the old leader's late answers change nothing
        router.onResponse(new ForwardResponse("n1", "n2", 2, ((ForwardRequest) last()).commands().get(1).requestId(),
                RouteStatus.OK, new byte[0], null));
        assertThat(writes.get(1).outcome).isEqualTo("UnknownOutcomeException");
    }

    @Test
    void aLeaderChangeBeforeTheFlushSendsTheQueuedCommandsToTheOldLeaderAndFailsThem() {
        router.leaderChanged("n1", 2);
        Req w = new Req("w", false);
        router.forwardWrite(w);
        router.leaderChanged("n3", 3);
        assertThat(out).hasSize(1).first().extracting(Message::to).isEqualTo("n1");
        assertThat(w.outcome).isEqualTo("UnknownOutcomeException");
    }

    // --- the leader's side ------------------------------------------------------------------

    final List<ForwardServer.Forwarded> proposed = new ArrayList<>();
    final List<Long> readIds = new ArrayList<>();
    boolean leads = true;
    long lease = -1;
    final ForwardServer server = new ForwardServer("n1", new ForwardServer.Host() {
        @Override public boolean canPropose() { return leads; }
        @Override public String leaderHint() { return leads ? "n1" : "n3"; }
        @Override public long term() { return 2; }
        @Override public void propose(ForwardServer.Forwarded c) { proposed.add(c); }
        @Override public void readIndex(long readId) { readIds.add(readId); }
        @Override public long leaseReadIndex() { return lease; }
    }, out::add, 2, MAX_BATCH_BYTES, ForwardServer.ForwardMetrics.NONE);

    private ForwardResponse.Answer lastWriteAnswer() {
        server.flush();
        List<ForwardResponse.Answer> answers = ((ForwardResponse) last()).answers();
        return answers.get(answers.size() - 1);
    }

    private ReadIndexResponse.Answer lastReadAnswer() {
        server.flush();
        List<ReadIndexResponse.Answer> answers = ((ReadIndexResponse) last()).answers();
        return answers.get(answers.size() - 1);
    }

    @Test
    void aDuplicatedForwardIsProposedOnce() {
        ForwardRequest f = new ForwardRequest("n2", "n1", 2, 7, new byte[] {1});
        server.onForward(f);
        server.onForward(f);
        assertThat(proposed).hasSize(1);
        server.commandDone(proposed.get(0), RouteStatus.OK, new byte[] {9});
        server.onForward(f);
        server.flush();
        assertThat(proposed).hasSize(1);
        assertThat(out).hasSize(1);
    }

    @Test
    void aCommandSentInAnEarlierTermIsNotProposedSinceACopyMayHaveBeenProposedThen() {
        server.onForward(new ForwardRequest("n2", "n1", 1, 7, new byte[] {1}));
        assertThat(proposed).isEmpty();
        assertThat(lastWriteAnswer().status()).isEqualTo(RouteStatus.UNKNOWN_OUTCOME);
    }

    @Test
    void eachSenderHasABoundedNumberOfRequestsInFlight() {
        server.onForward(new ForwardRequest("n2", "n1", 2, 1, new byte[0]));
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 2, false));
        server.onForward(new ForwardRequest("n2", "n1", 2, 3, new byte[0]));
        assertThat(lastWriteAnswer().status()).isEqualTo(RouteStatus.OVERLOADED);
        server.onForward(new ForwardRequest("n3", "n1", 2, 3, new byte[0]));
        assertThat(proposed).hasSize(2);
        assertThat(server.readConfirmed(new ReadState(readIds.get(0), 11))).isTrue();
        assertThat(lastReadAnswer().index()).isEqualTo(11);
        server.onForward(new ForwardRequest("n2", "n1", 2, 4, new byte[0]));
        assertThat(proposed).hasSize(3);
    }

    @Test
    void theBoundHoldsWithinOneBatch() {
        server.onForward(new ForwardRequest("n2", "n1", 2, List.of(new ForwardRequest.Command(1, new byte[0]),
                new ForwardRequest.Command(2, new byte[0]), new ForwardRequest.Command(3, new byte[0]))));
        assertThat(proposed).extracting(ForwardServer.Forwarded::requestId).containsExactly(1L, 2L);
        assertThat(lastWriteAnswer()).extracting(ForwardResponse.Answer::requestId, ForwardResponse.Answer::status)
                .containsExactly(3L, RouteStatus.OVERLOADED);
    }

    @Test
    void theAnswersOfOneBatchGoToEachSenderInOneMessageSplitAtTheBound() {
        ForwardServer roomy = new ForwardServer("n1", new ForwardServer.Host() {
            @Override public boolean canPropose() { return true; }
            @Override public String leaderHint() { return "n1"; }
            @Override public long term() { return 2; }
            @Override public void propose(ForwardServer.Forwarded c) { proposed.add(c); }
            @Override public void readIndex(long readId) { readIds.add(readId); }
            @Override public long leaseReadIndex() { return 30; }
        }, out::add, 100, MAX_BATCH_BYTES, ForwardServer.ForwardMetrics.NONE);
        for (long id = 1; id <= 5; id++) {
            roomy.onForward(new ForwardRequest("n2", "n1", 2, id, new byte[] {1}));
        }
        roomy.onForward(new ForwardRequest("n3", "n1", 2, 9, new byte[] {1}));
        roomy.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, List.of(new ReadIndexRequest.Read(20, true),
                new ReadIndexRequest.Read(21, true))));
        for (ForwardServer.Forwarded c : proposed) {
            roomy.commandDone(c, RouteStatus.OK, new byte[] {2});
        }
        assertThat(out).as("nothing leaves before the flush").isEmpty();
        roomy.flush();
        assertThat(out).extracting(Message::kind, Message::to, m -> m instanceof ForwardResponse f
                ? f.answers().size() : ((ReadIndexResponse) m).answers().size())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Message.Kind.FORWARD_RESPONSE, "n2", 3),
                        org.assertj.core.groups.Tuple.tuple(Message.Kind.FORWARD_RESPONSE, "n2", 2),
                        org.assertj.core.groups.Tuple.tuple(Message.Kind.FORWARD_RESPONSE, "n3", 1),
                        org.assertj.core.groups.Tuple.tuple(Message.Kind.READ_INDEX_RESPONSE, "n2", 2));
        assertThat(out).filteredOn(m -> m instanceof ForwardResponse)
                .allSatisfy(m -> assertThat(((ForwardResponse) m).sizeBytes()).isLessThanOrEqualTo(MAX_BATCH_BYTES));
    }

    @Test
    void aLeaseRequestIsAnsweredAtOnceWhileTheLeaseHoldsElseWithARound() {
        lease = 40;
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 1, true));
        assertThat(lastReadAnswer().index()).isEqualTo(40);
        assertThat(readIds).isEmpty();
        lease = -1;
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 2, true));
        assertThat(readIds).hasSize(1);
    }

    @Test
    void aNodeThatDoesNotLeadAnswersNotLeaderNamingTheLeader() {
        leads = false;
        server.onForward(new ForwardRequest("n2", "n1", 2, 1, new byte[0]));
        assertThat(lastWriteAnswer()).extracting(ForwardResponse.Answer::status, ForwardResponse.Answer::leaderHint)
                .containsExactly(RouteStatus.NOT_LEADER, "n3");
        assertThat(proposed).isEmpty();
    }

    @Test
    void losingLeadershipRefusesTheUnconfirmedReadsSoTheirSendersAskTheNewLeader() {
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 5, false));
        server.leadershipLost("n3");
        assertThat(lastReadAnswer()).extracting(ReadIndexResponse.Answer::status, ReadIndexResponse.Answer::leaderHint)
                .containsExactly(RouteStatus.NOT_LEADER, "n3");
        assertThat(server.inFlight("n2")).isZero();
    }
}
