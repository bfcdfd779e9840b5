package io.raftkit.ledger.client;

import static io.raftkit.ledger.client.FakeNode.Answer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LedgerClientTest {

    private static final String COMMITTED = """
            {"msgId":"m-1","status":"COMMITTED","from":"alice","to":"bob","amount":"12.50","index":7,"term":2,
             "createdAt":"2026-11-30T12:00:00Z","duplicate":false}""";
    private static final String UNKNOWN = "{\"error\":\"UNKNOWN_OUTCOME\",\"message\":\"leadership lost\"}";
    private static final TransferRequest REQUEST = new TransferRequest("m-1", "alice", "bob", new BigDecimal("12.50"));

    private final FakeNode a = node();
    private final FakeNode b = node();

    @AfterEach
    void closeNodes() {
        a.close();
        b.close();
    }

    @Test
    void transferIsRetriedWithTheSameBodyAtTheLeaderNamedAfterAnUnknownOutcome() {
        a.on("POST /transfers", json(503, UNKNOWN, "Raft-Leader", b.address()));
        b.on("POST /transfers", json(200, COMMITTED, "Raft-Leader", b.address()));

        TransferOutcome outcome = client(Duration.ofSeconds(10), a.url()).transfer(REQUEST);

        assertThat(outcome).isInstanceOf(TransferOutcome.Committed.class);
        TransferOutcome.Committed committed = (TransferOutcome.Committed) outcome;
        assertThat(committed.amount()).isEqualByComparingTo("12.50");
        assertThat(committed.index()).isEqualTo(7);
        assertThat(a.received("POST", "/transfers")).hasSize(1);
        assertThat(b.received("POST", "/transfers")).hasSize(1);
        assertThat(b.received("POST", "/transfers").get(0).body())
                .isEqualTo(a.received("POST", "/transfers").get(0).body())
                .contains("\"msgId\":\"m-1\"").contains("\"amount\":\"12.50\"");
    }

    @Test
    void leaderIdInTheHeaderIsResolvedThroughTheMemberList() {
        a.on("POST /transfers", json(503, "{\"error\":\"NO_LEADER\"}", "Raft-Leader", "n2", "Retry-After", "0"));
        a.on("GET /cluster", json(200, cluster("n1", "n2")));
        b.on("POST /transfers", json(200, COMMITTED, "Raft-Leader", "n2"));

        LedgerClient client = client(Duration.ofSeconds(10), a.url());
        client.transfer(REQUEST);

        assertThat(b.received("POST", "/transfers")).hasSize(1);
        assertThat(client.knownLeader()).contains(b.url());
    }

    @Test
    void aFormerLeaderThatKnowsNoLeaderIsNoLongerPreferred() {
        a.on("POST /transfers", json(200, COMMITTED, "Raft-Leader", a.address()),
                json(503, "{\"error\":\"NO_LEADER\"}", "Raft-Leader", "", "Retry-After", "0"));
        b.on("POST /transfers", json(200, COMMITTED));
        LedgerClient client = client(Duration.ofSeconds(3), a.url(), b.url());
        client.transfer(REQUEST);
        assertThat(client.knownLeader()).contains(a.url());

        assertThat(client.transfer(REQUEST)).isInstanceOf(TransferOutcome.Committed.class);
        assertThat(b.received("POST", "/transfers")).hasSize(1);
    }

    @Test
    void noDefiniteAnswerBeforeTheDeadlineIsAnOutcomeUnknownNamingTheMsgId() {
        a.on("POST /transfers", json(503, UNKNOWN));

        assertThatThrownBy(() -> client(Duration.ofMillis(400), a.url()).transfer(REQUEST))
                .isInstanceOfSatisfying(OutcomeUnknownException.class, e -> {
                    assertThat(e.msgId()).isEqualTo("m-1");
                    assertThat(e.getMessage()).contains("m-1").contains("UNKNOWN_OUTCOME").contains("retry");
                });
        assertThat(a.received("POST", "/transfers")).hasSizeGreaterThan(1)
                .allSatisfy(r -> assertThat(r.body()).contains("\"msgId\":\"m-1\""));
    }

    @Test
    void rejectionIsADefiniteOutcomeAndIsNotRetried() {
        a.on("POST /transfers", json(422, "{\"msgId\":\"m-1\",\"status\":\"REJECTED\",\"reason\":\"INSUFFICIENT_FUNDS\"}"));

        TransferOutcome outcome = client(Duration.ofSeconds(10), a.url()).transfer(REQUEST);

        assertThat(outcome).isEqualTo(new TransferOutcome.Rejected("m-1", "INSUFFICIENT_FUNDS", null, null, null, -1, false));
        assertThat(a.received()).hasSize(1);
    }

    @Test
    void duplicateAnswerCarriesTheRecordedOutcome() {
        a.on("POST /transfers", json(200, COMMITTED.replace("\"duplicate\":false", "\"duplicate\":true")));

        assertThat(client(Duration.ofSeconds(10), a.url()).transfer(REQUEST).duplicate()).isTrue();
    }

    @Test
    void msgIdConflictIsADefiniteErrorAndIsNotRetried() {
        a.on("POST /transfers", json(409, "{\"error\":\"MSG_ID_CONFLICT\",\"message\":\"m-1 has another body\"}"));

        assertThatThrownBy(() -> client(Duration.ofSeconds(10), a.url()).transfer(REQUEST))
                .isInstanceOfSatisfying(LedgerErrorException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("MSG_ID_CONFLICT");
                });
        assertThat(a.received()).hasSize(1);
    }

    @Test
    void aNodeThatIsDownIsSkipped() throws IOException {
        a.on("POST /transfers", json(200, COMMITTED));

        TransferOutcome outcome = client(Duration.ofSeconds(10), deadUrl(), a.url()).transfer(REQUEST);

        assertThat(outcome).isInstanceOf(TransferOutcome.Committed.class);
    }

    @Test
    void anAttemptWithoutAnswerIsRetriedOnAnotherNodeWithTheSameMsgId() {
        a.on("POST /transfers", FakeNode.Answer.hanging());
        b.on("POST /transfers", json(200, COMMITTED));

        LedgerClient client = LedgerClient.builder().servers(List.of(a.url(), b.url()))
                .requestTimeout(Duration.ofMillis(300)).deadline(Duration.ofSeconds(10)).build();

        assertThat(client.transfer(REQUEST)).isInstanceOf(TransferOutcome.Committed.class);
        assertThat(a.received("POST", "/transfers")).hasSize(1);
        assertThat(b.received("POST", "/transfers").get(0).body()).isEqualTo(a.received().get(0).body());
    }

    @Test
    void missingAccountIsA404Error() {
        a.on("GET /accounts/carol", json(404, "{\"error\":\"ACCOUNT_NOT_FOUND\",\"message\":\"carol\"}"));

        assertThatThrownBy(() -> client(Duration.ofSeconds(10), a.url()).account("carol"))
                .isInstanceOfSatisfying(LedgerErrorException.class, e -> assertThat(e.code()).isEqualTo("ACCOUNT_NOT_FOUND"));
    }

    @Test
    void accountExistsAfterAnAmbiguousAttemptSaysTheCallMayHaveCreatedIt() {
        a.on("POST /accounts", json(503, UNKNOWN), json(409, "{\"error\":\"ACCOUNT_EXISTS\"}"));

        assertThatThrownBy(() -> client(Duration.ofSeconds(10), a.url()).createAccount("alice", new BigDecimal("5")))
                .isInstanceOfSatisfying(LedgerErrorException.class, e -> {
                    assertThat(e.code()).isEqualTo("ACCOUNT_EXISTS");
                    assertThat(e.getMessage()).contains("may have created it");
                });
        assertThat(a.received("POST", "/accounts").get(0).body())
                .contains("\"id\":\"alice\"").contains("\"initialBalance\":\"5\"");
    }

    @Test
    void accountExistsOnAFirstAttemptIsPlain() {
        a.on("POST /accounts", json(409, "{\"error\":\"ACCOUNT_EXISTS\"}"));

        assertThatThrownBy(() -> client(Duration.ofSeconds(10), a.url()).createAccount("alice", null))
                .isInstanceOfSatisfying(LedgerErrorException.class,
                        e -> assertThat(e.getMessage()).doesNotContain("may have created"));
        assertThat(a.received().get(0).body()).doesNotContain("initialBalance");
    }

    @Test
    void localReadsAskTheNamedNodeForItsOwnState() {
        a.on("GET /accounts", json(200, "{\"index\":9,\"accounts\":[{\"id\":\"alice\",\"balance\":\"87.50\"}]}"));
        b.on("GET /accounts", json(500, "{}"));

        AccountList list = client(Duration.ofSeconds(10), b.url()).node(a.url()).accounts();

        assertThat(list.index()).isEqualTo(9);
        assertThat(list.accounts()).containsExactly(new Account("alice", new BigDecimal("87.50")));
        assertThat(a.received().get(0).uri().getQuery()).isEqualTo("consistency=local");
        assertThat(b.received()).isEmpty();
    }

    @Test
    void historyPagesAreReadInLogOrder() {
        a.on("GET /transfers", json(200, "{\"transfers\":[" + COMMITTED + "],\"nextAfterIndex\":7}"),
                json(200, "{\"transfers\":[],\"nextAfterIndex\":7}"));

        List<TransferOutcome> all = client(Duration.ofSeconds(10), b.url()).node(a.url()).fullHistory();

        assertThat(all).hasSize(1);
        assertThat(a.received().get(1).uri().getQuery()).contains("afterIndex=7");
    }

    @Test
    void serverListAcceptsHostPortAndUrls() {
        assertThat(LedgerClient.parseServers("127.0.0.1:8081, http://localhost:8082/"))
                .containsExactly(URI.create("http://127.0.0.1:8081"), URI.create("http://localhost:8082"));
        assertThatThrownBy(() -> LedgerClient.parseServers(" , ")).isInstanceOf(IllegalArgumentException.class);
    }

    private String cluster(String idA, String idB) {
        return "{\"nodeId\":\"" + idA + "\",\"role\":\"FOLLOWER\",\"term\":3,\"leaderId\":\"" + idB + "\","
                + "\"commitIndex\":5,\"appliedIndex\":5,\"members\":["
                + "{\"id\":\"" + idA + "\",\"raftAddress\":\"127.0.0.1:1\",\"httpAddress\":\"" + a.address() + "\"},"
                + "{\"id\":\"" + idB + "\",\"raftAddress\":\"127.0.0.1:2\",\"httpAddress\":\"/" + b.address() + "\"}]}";
    }

    private static LedgerClient client(Duration deadline, URI... servers) {
        return LedgerClient.builder().servers(List.of(servers)).requestTimeout(Duration.ofSeconds(2))
                .deadline(deadline).build();
    }

    private static URI deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static FakeNode node() {
        try {
            return new FakeNode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
