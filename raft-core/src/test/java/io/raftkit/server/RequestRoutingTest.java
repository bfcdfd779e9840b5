package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.ReadState;
import io.raftkit.errors.UnknownOutcomeException;
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
    }, out::add, 3, 0);

    private Message last() {
        return out.get(out.size() - 1);
    }

    @Test
    void aRequestWaitsWithNoLeaderAndLeavesWhenOneIsKnown() {
        Req w = new Req("w", false);
        router.forwardWrite(w);
        assertThat(out).isEmpty();
        router.leaderChanged("n1", 2);
        assertThat(last()).isInstanceOf(ForwardRequest.class).extracting(Message::to).isEqualTo("n1");
        ForwardRequest f = (ForwardRequest) last();
        router.onResponse(new ForwardResponse("n1", "n2", 2, f.requestId(), routeOk(), "r".getBytes(), null));
        assertThat(w.outcome).isEqualTo("ok:r");
    }

    private static RouteStatus routeOk() {
        return RouteStatus.OK;
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
        ForwardRequest f = (ForwardRequest) last();
        router.onResponse(new ForwardResponse("n1", "n2", 3, f.requestId(), RouteStatus.NOT_LEADER, new byte[0], "n3"));
        assertThat(w.outcome).isEqualTo("UnknownOutcomeException");
        router.leaderChanged("n3", 3);
        router.tick();
        assertThat(out).as("never sent again").hasSize(1);
    }

    @Test
    void aLeaderChangeFailsACommandInFlightWithUnknownOutcomeButSendsAReadAgain() {
        router.leaderChanged("n1", 2);
        Req w = new Req("w", false);
        Req r = new Req("r", true);
        router.forwardWrite(w);
        router.forwardRead(r, false);
        long readId = ((ReadIndexRequest) last()).requestId();
        router.leaderChanged("n3", 3);
        assertThat(w.outcome).isEqualTo(UnknownOutcomeException.class.getSimpleName());
        assertThat(last()).isInstanceOf(ReadIndexRequest.class).extracting(Message::to).isEqualTo("n3");
        // the old leader's late answer no longer counts
        router.onResponse(new ReadIndexResponse("n1", "n2", 2, readId, RouteStatus.OK, 5, null));
        assertThat(r.outcome).isNull();
        router.onResponse(new ReadIndexResponse("n3", "n2", 3, ((ReadIndexRequest) last()).requestId(),
                RouteStatus.OK, 9, null));
        assertThat(r.outcome).isEqualTo("index:9");
    }

    @Test
    void aReadWithoutAnswerIsAskedAgainAfterTheRetryTicks() {
        router.leaderChanged("n1", 2);
        Req r = new Req("r", true);
        router.forwardRead(r, true);
        assertThat(((ReadIndexRequest) last()).lease()).isTrue();
        int sent = out.size();
        router.tick();
        router.tick();
        assertThat(out).hasSize(sent);
        router.tick();
        assertThat(out).hasSize(sent + 1);
    }

    @Test
    void becomingTheLeaderHandsWaitingRequestsBackToServeLocally() {
        Req w = new Req("w", false);
        router.forwardWrite(w);
        router.leaderChanged("n2", 4);
        assertThat(w.outcome).isEqualTo("local");
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
    }, out::add, 2, ForwardServer.ForwardMetrics.NONE);

    @Test
    void aDuplicatedForwardIsProposedOnce() {
        ForwardRequest f = new ForwardRequest("n2", "n1", 2, 7, new byte[] {1});
        server.onForward(f);
        server.onForward(f);
        assertThat(proposed).hasSize(1);
        server.commandDone(proposed.get(0), RouteStatus.OK, new byte[] {9});
        server.onForward(f);
        assertThat(proposed).hasSize(1);
        assertThat(out).hasSize(1);
    }

    @Test
    void aCommandSentInAnEarlierTermIsNotProposedSinceACopyMayHaveBeenProposedThen() {
        server.onForward(new ForwardRequest("n2", "n1", 1, 7, new byte[] {1}));
        assertThat(proposed).isEmpty();
        assertThat(((ForwardResponse) last()).status()).isEqualTo(RouteStatus.UNKNOWN_OUTCOME);
    }

    @Test
    void eachSenderHasABoundedNumberOfRequestsInFlight() {
        server.onForward(new ForwardRequest("n2", "n1", 2, 1, new byte[0]));
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 2, false));
        server.onForward(new ForwardRequest("n2", "n1", 2, 3, new byte[0]));
        assertThat(((ForwardResponse) last()).status()).isEqualTo(RouteStatus.OVERLOADED);
        server.onForward(new ForwardRequest("n3", "n1", 2, 3, new byte[0]));
        assertThat(proposed).hasSize(2);
        assertThat(server.readConfirmed(new ReadState(readIds.get(0), 11))).isTrue();
        assertThat(((ReadIndexResponse) last()).index()).isEqualTo(11);
        server.onForward(new ForwardRequest("n2", "n1", 2, 4, new byte[0]));
        assertThat(proposed).hasSize(3);
    }

    @Test
    void aLeaseRequestIsAnsweredAtOnceWhileTheLeaseHoldsElseWithARound() {
        lease = 40;
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 1, true));
        assertThat(((ReadIndexResponse) last()).index()).isEqualTo(40);
        assertThat(readIds).isEmpty();
        lease = -1;
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 2, true));
        assertThat(readIds).hasSize(1);
    }

    @Test
    void aNodeThatDoesNotLeadAnswersNotLeaderNamingTheLeader() {
        leads = false;
        server.onForward(new ForwardRequest("n2", "n1", 2, 1, new byte[0]));
        assertThat((ForwardResponse) last()).extracting(ForwardResponse::status, ForwardResponse::leaderHint)
                .containsExactly(RouteStatus.NOT_LEADER, "n3");
        assertThat(proposed).isEmpty();
    }

    @Test
    void losingLeadershipRefusesTheUnconfirmedReadsSoTheirSendersAskTheNewLeader() {
        server.onReadIndexRequest(new ReadIndexRequest("n2", "n1", 2, 5, false));
        server.leadershipLost("n3");
        assertThat((ReadIndexResponse) last()).extracting(ReadIndexResponse::status, ReadIndexResponse::leaderHint)
                .containsExactly(RouteStatus.NOT_LEADER, "n3");
        assertThat(server.inFlight("n2")).isZero();
    }
}
