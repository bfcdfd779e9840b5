package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every route of DESIGN.md §6 against a real three-node cluster in this JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerHttpApiTest {

    static final int MAX_CONNECTIONS = 32;
    static final HttpLimits LIMITS = HttpLimits.defaults().withMaxConnections(MAX_CONNECTIONS)
            .withReadTimeout(Duration.ofSeconds(1));

    TestCluster cluster;
    int leader;
    int follower;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new TestCluster(dir, 3, LIMITS);
        leader = cluster.awaitLeader();
        follower = cluster.aFollower(leader);
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private String leaderUrl() {
        return cluster.url(leader);
    }

    private String followerUrl() {
        return cluster.url(follower);
    }

    @Test
    void createAccountThenReadItFromEveryNode() {
        Http.Reply created = Http.post(leaderUrl() + "/accounts", "{\"id\":\"alice\",\"initialBalance\":\"250.50\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("id").asText()).isEqualTo("alice");
        assertThat(created.json().get("balance").asText()).isEqualTo("250.50");
        assertThat(created.header("Raft-Leader")).isEqualTo(cluster.members.get(leader).id());

        for (int i = 0; i < 3; i++) {
            Http.Reply r = Http.get(cluster.url(i) + "/accounts/alice");
            assertThat(r.status()).as("node %d", i).isEqualTo(200);
            assertThat(r.json().get("balance").asText()).isEqualTo("250.50");
            assertThat(r.header("Raft-Leader")).isEqualTo(cluster.members.get(leader).id());
        }
    }

    @Test
    void defaultInitialBalanceIsOneHundred() {
        Http.Reply created = Http.post(leaderUrl() + "/accounts", "{\"id\":\"dflt\"}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("balance").asText()).isEqualTo("100.00");
    }

    @Test
    void duplicateAccountIs409() {
        assertThat(Http.post(leaderUrl() + "/accounts", "{\"id\":\"dup\"}").status()).isEqualTo(201);
        Http.Reply again = Http.post(followerUrl() + "/accounts", "{\"id\":\"dup\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error()).isEqualTo("ACCOUNT_EXISTS");
    }

    @Test
    void transferSentToAFollowerIsForwardedAndCommitted() {
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"f1\",\"initialBalance\":\"10.00\"}");
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"f2\",\"initialBalance\":\"0\"}");
        String body = "{\"msgId\":\"fwd-1\",\"from\":\"f1\",\"to\":\"f2\",\"amount\":\"2.50\"}";
        Http.Reply r = Http.post(followerUrl() + "/transfers", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.header("Raft-Leader")).isEqualTo(cluster.members.get(leader).id());
        assertThat(r.json().get("status").asText()).isEqualTo("COMMITTED");
        assertThat(r.json().get("amount").asText()).isEqualTo("2.50");
        assertThat(r.json().get("duplicate").asBoolean()).isFalse();
        assertThat(r.json().get("index").asLong()).isPositive();
        assertThat(r.json().get("term").asLong()).isPositive();
        assertThat(r.json().get("createdAt").asText()).isNotEmpty();

        Http.Reply again = Http.post(followerUrl() + "/transfers", body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("duplicate").asBoolean()).isTrue();
        assertThat(again.json().get("index").asLong()).isEqualTo(r.json().get("index").asLong());

        Http.Reply conflict = Http.post(leaderUrl() + "/transfers",
                "{\"msgId\":\"fwd-1\",\"from\":\"f1\",\"to\":\"f2\",\"amount\":\"2.51\"}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.error()).isEqualTo("MSG_ID_CONFLICT");

        assertThat(Http.get(followerUrl() + "/accounts/f1").json().get("balance").asText()).isEqualTo("7.50");
        assertThat(Http.get(followerUrl() + "/accounts/f2").json().get("balance").asText()).isEqualTo("2.50");
        Http.Reply recorded = Http.get(followerUrl() + "/transfers/fwd-1");
        assertThat(recorded.status()).isEqualTo(200);
        assertThat(recorded.json().get("status").asText()).isEqualTo("COMMITTED");
    }

    @Test
    void rejectedTransfersAre422AndRecorded() {
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"poor\",\"initialBalance\":\"1.00\"}");
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"rich\"}");
        Http.Reply r = Http.post(leaderUrl() + "/transfers",
                "{\"msgId\":\"rej-1\",\"from\":\"poor\",\"to\":\"rich\",\"amount\":\"1.01\"}");
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().get("status").asText()).isEqualTo("REJECTED");
        assertThat(r.json().get("reason").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(r.json().get("msgId").asText()).isEqualTo("rej-1");

        Http.Reply missing = Http.post(followerUrl() + "/transfers",
                "{\"msgId\":\"rej-2\",\"from\":\"poor\",\"to\":\"nobody\",\"amount\":\"0.01\"}");
        assertThat(missing.status()).isEqualTo(422);
        assertThat(missing.json().get("reason").asText()).isEqualTo("ACCOUNT_NOT_FOUND");

        Http.Reply repeat = Http.post(leaderUrl() + "/transfers",
                "{\"msgId\":\"rej-1\",\"from\":\"poor\",\"to\":\"rich\",\"amount\":\"1.01\"}");
        assertThat(repeat.status()).isEqualTo(422);
        assertThat(repeat.json().get("duplicate").asBoolean()).isTrue();
        assertThat(Http.get(leaderUrl() + "/transfers/rej-1").json().get("reason").asText())
                .isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(Http.get(leaderUrl() + "/accounts/poor").json().get("balance").asText()).isEqualTo("1.00");
    }

    @Test
    void unknownAccountAndTransferAre404() {
        Http.Reply a = Http.get(followerUrl() + "/accounts/ghost");
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.error()).isEqualTo("ACCOUNT_NOT_FOUND");
        Http.Reply t = Http.get(followerUrl() + "/transfers/ghost");
        assertThat(t.status()).isEqualTo(404);
        assertThat(t.error()).isEqualTo("TRANSFER_NOT_FOUND");
    }

    @Test
    void msgIdWithReservedCharactersRoundTripsThroughThePath() {
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"pa\"}");
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"pb\"}");
        String msgId = "a/b c+d?e%f";
        Http.Reply r = Http.post(leaderUrl() + "/transfers",
                "{\"msgId\":\"" + msgId + "\",\"from\":\"pa\",\"to\":\"pb\",\"amount\":\"1\"}");
        assertThat(r.status()).isEqualTo(200);
        String encoded = java.net.URLEncoder.encode(msgId, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        Http.Reply read = Http.get(followerUrl() + "/transfers/" + encoded);
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("msgId").asText()).isEqualTo(msgId);
    }

    @Test
    void listsAccountsAndTransfersInLogOrder() {
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"la\",\"initialBalance\":\"50\"}");
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"lb\",\"initialBalance\":\"50\"}");
        for (int i = 0; i < 5; i++) {
            assertThat(Http.post(followerUrl() + "/transfers",
                    "{\"msgId\":\"list-" + i + "\",\"from\":\"la\",\"to\":\"lb\",\"amount\":\"1\"}").status())
                    .isEqualTo(200);
        }
        Http.Reply accounts = Http.get(followerUrl() + "/accounts");
        assertThat(accounts.status()).isEqualTo(200);
        assertThat(accounts.json().get("index").asLong()).isPositive();
        assertThat(accounts.json().get("accounts").findValuesAsText("id")).contains("la", "lb");

        long after = 0;
        java.util.List<String> seen = new java.util.ArrayList<>();
        long lastIndex = 0;
        while (true) {
            Http.Reply page = Http.get(followerUrl() + "/transfers?afterIndex=" + after + "&limit=2");
            assertThat(page.status()).isEqualTo(200);
            if (page.json().get("transfers").isEmpty()) {
                assertThat(page.json().get("nextAfterIndex").asLong()).isEqualTo(after);
                break;
            }
            for (var t : page.json().get("transfers")) {
                assertThat(t.get("index").asLong()).isGreaterThan(lastIndex);
                lastIndex = t.get("index").asLong();
                seen.add(t.get("msgId").asText());
            }
            after = page.json().get("nextAfterIndex").asLong();
        }
        assertThat(seen).containsSubsequence("list-0", "list-1", "list-2", "list-3", "list-4");
    }

    @Test
    void localConsistencyAnswersFromTheNodesOwnState() {
        Http.post(followerUrl() + "/accounts", "{\"id\":\"loc\",\"initialBalance\":\"3.00\"}");
        for (int i = 0; i < 3; i++) {
            String url = cluster.url(i) + "/accounts/loc?consistency=local";
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url).status() == 200);
            assertThat(Http.get(url).json().get("balance").asText()).isEqualTo("3.00");
        }
        // a stopped leader cannot answer linearizable reads, local ones still work: see failover test
        assertThat(Http.get(followerUrl() + "/accounts?consistency=local").status()).isEqualTo(200);
        assertThat(Http.get(followerUrl() + "/transfers?consistency=local").status()).isEqualTo(200);
        assertThat(Http.get(followerUrl() + "/accounts/loc?consistency=bogus").status()).isEqualTo(400);
    }

    @Test
    void clusterHealthReadyMetricsAndRoot() {
        Http.Reply c = Http.get(followerUrl() + "/cluster");
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.json().get("nodeId").asText()).isEqualTo(cluster.members.get(follower).id());
        assertThat(c.json().get("role").asText()).isEqualTo("FOLLOWER");
        assertThat(c.json().get("leaderId").asText()).isEqualTo(cluster.members.get(leader).id());
        assertThat(c.json().get("term").asLong()).isPositive();
        assertThat(c.json().get("members")).hasSize(3);
        assertThat(c.json().get("members").get(0).get("httpAddress").asText()).contains("127.0.0.1:");

        assertThat(Http.get(followerUrl() + "/health").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(followerUrl() + "/ready").status() == 200);

        Http.post(leaderUrl() + "/accounts", "{\"id\":\"m1\"}");
        Http.Reply m = Http.get(leaderUrl() + "/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.header("Content-Type")).startsWith("text/plain");
        assertThat(m.body()).contains("raft_", "ledger_accounts", "ledger_http_requests");

        Http.Reply root = Http.get(followerUrl() + "/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.header("Content-Type")).startsWith("text/html");
    }

    // ---------------------------------------------------------------- bad input

    @ParameterizedTest(name = "POST /accounts {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`{`|INVALID_JSON",
            "`{\"id\":\"trunc`|INVALID_JSON",
            "`[]`|INVALID_JSON",
            "`null`|INVALID_JSON",
            "`\"id\"`|INVALID_JSON",
            "`{\"id\":\"x1\"} {}`|INVALID_JSON",
            "`{\"id\":\"x1\",\"id\":\"x2\"}`|INVALID_JSON",
            "`{\"id\":\"x1\",\"owner\":\"me\"}`|INVALID_REQUEST",
            "`{}`|INVALID_ACCOUNT_ID",
            "`{\"id\":5}`|INVALID_ACCOUNT_ID",
            "`{\"id\":null}`|INVALID_ACCOUNT_ID",
            "`{\"id\":\"\"}`|INVALID_ACCOUNT_ID",
            "`{\"id\":\"a b\"}`|INVALID_ACCOUNT_ID",
            "`{\"id\":\"a/b\"}`|INVALID_ACCOUNT_ID",
            "`{\"id\":\"ünï\"}`|INVALID_ACCOUNT_ID",
            "`{\"id\":\"x1\",\"initialBalance\":\"1.001\"}`|INVALID_AMOUNT",
            "`{\"id\":\"x1\",\"initialBalance\":10}`|INVALID_AMOUNT",
            "`{\"id\":\"x1\",\"initialBalance\":\"-1\"}`|INVALID_AMOUNT",
            "`{\"id\":\"x1\",\"initialBalance\":\"ten\"}`|INVALID_AMOUNT",
            "`{\"id\":\"x1\",\"initialBalance\":\"92233720368547758.08\"}`|INVALID_AMOUNT",
            "`{\"id\":\"x1\",\"initialBalance\":\"1e3\"}`|INVALID_AMOUNT"})
    void badAccountBodiesAre400AndCreateNothing(String body, String code) {
        for (String url : new String[] {followerUrl(), leaderUrl()}) {
            Http.Reply r = Http.post(url + "/accounts", body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.error()).as(r.body()).isEqualTo(code);
            assertThat(r.json().get("message").asText()).isNotBlank();
            assertThat(r.header("Raft-Leader")).isEqualTo(cluster.members.get(leader).id());
        }
        assertThat(Http.get(leaderUrl() + "/accounts/x1").status()).isEqualTo(404);
    }

    @Test
    void tooLongAccountIdIs400() {
        Http.Reply r = Http.post(followerUrl() + "/accounts", "{\"id\":\"" + "a".repeat(65) + "\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("INVALID_ACCOUNT_ID");
        assertThat(Http.post(followerUrl() + "/accounts", "{\"id\":\"" + "a".repeat(64) + "\"}").status())
                .isEqualTo(201);
    }

    @ParameterizedTest(name = "POST /transfers {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`{\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_MSG_ID",
            "`{\"msgId\":\"\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_MSG_ID",
            "`{\"msgId\":7,\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_MSG_ID",
            "`{\"msgId\":\"é\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_MSG_ID",
            "`{\"msgId\":\"a\\u0001b\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_MSG_ID",
            "`{\"msgId\":\"bad1\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_ACCOUNT_ID",
            "`{\"msgId\":\"bad1\",\"from\":\"t a\",\"to\":\"tb\",\"amount\":\"1\"}`|INVALID_ACCOUNT_ID",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":[],\"amount\":\"1\"}`|INVALID_ACCOUNT_ID",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"0\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"0.00\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"-5\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1.234\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":12.5}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"abc\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"99999999999999999999\"}`|INVALID_AMOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"ta\",\"amount\":\"1\"}`|SAME_ACCOUNT",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\",\"memo\":\"x\"}`|INVALID_REQUEST",
            "`{\"msgId\":\"bad1\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"`|INVALID_JSON"})
    void badTransferBodiesAre400AndChangeNothing(String body, String code) {
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"ta\"}");
        Http.post(leaderUrl() + "/accounts", "{\"id\":\"tb\"}");
        for (String url : new String[] {followerUrl(), leaderUrl()}) {
            Http.Reply r = Http.post(url + "/transfers", body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.error()).as(r.body()).isEqualTo(code);
        }
        assertThat(Http.get(leaderUrl() + "/accounts/ta").json().get("balance").asText()).isEqualTo("100.00");
        assertThat(Http.get(leaderUrl() + "/transfers/bad1").status()).isEqualTo(404);
    }

    @Test
    void tooLongMsgIdIs400() {
        Http.Reply r = Http.post(followerUrl() + "/transfers",
                "{\"msgId\":\"" + "m".repeat(129) + "\",\"from\":\"ta\",\"to\":\"tb\",\"amount\":\"1\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.error()).isEqualTo("INVALID_MSG_ID");
    }

    @Test
    void unknownRoutesAre404AndWrongMethods405() {
        for (String path : new String[] {"/nope", "/accounts2", "/transfers-x", "/cluster/x"}) {
            Http.Reply r = Http.get(followerUrl() + path);
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(r.error()).isEqualTo("NOT_FOUND");
            assertThat(r.header("Raft-Leader")).isNotNull();
        }
        Http.Reply del = Http.method("DELETE", followerUrl() + "/accounts", null);
        assertThat(del.status()).isEqualTo(405);
        assertThat(del.error()).isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(del.header("Allow")).isEqualTo("GET, POST");
        assertThat(Http.method("PUT", followerUrl() + "/transfers/x", "{}").status()).isEqualTo(405);
        assertThat(Http.method("POST", followerUrl() + "/cluster", "{}").status()).isEqualTo(405);
        assertThat(Http.method("POST", followerUrl() + "/health", "{}").status()).isEqualTo(405);
        assertThat(Http.method("DELETE", followerUrl() + "/accounts/x", null).status()).isEqualTo(405);
        assertThat(Http.get(followerUrl() + "/transfers?limit=0").status()).isEqualTo(400);
        assertThat(Http.get(followerUrl() + "/transfers?limit=abc").status()).isEqualTo(400);
        assertThat(Http.get(followerUrl() + "/transfers?afterIndex=-1").status()).isEqualTo(400);
    }

    @Test
    void oversizedBodyIs400AndTheNodeKeepsServing() {
        String body = "{\"id\":\"" + "x".repeat(70 * 1024) + "\"}";
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            raw.send("POST /accounts HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            String answer = raw.readUntilClosed();
            assertThat(answer).startsWith("HTTP/1.1 400").contains("BODY_TOO_LARGE").contains("Raft-Leader");
        }
        // chunked, so the size is only known while reading
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            StringBuilder req = new StringBuilder("POST /accounts HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 70; i++) {
                req.append("400\r\n").append("y".repeat(1024)).append("\r\n");
            }
            raw.send(req.append("0\r\n\r\n").toString());
            assertThat(raw.readUntilClosed()).startsWith("HTTP/1.1 400").contains("BODY_TOO_LARGE");
        }
        assertThat(Http.get(followerUrl() + "/health").status()).isEqualTo(200);
    }

    @Test
    void malformedHttpIs400() {
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            raw.send("GARBAGE\r\n\r\n");
            assertThat(raw.readUntilClosed()).startsWith("HTTP/1.1 400");
        }
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            raw.send("GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + "h".repeat(10_000) + "\r\n\r\n");
            assertThat(raw.readUntilClosed()).startsWith("HTTP/1.1 400");
        }
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            raw.send("GET /transfers?limit=%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(raw.readUntilClosed()).startsWith("HTTP/1.1 400");
        }
        // a target the forwarder cannot turn into a URI: a 400 from the follower, not a hang
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            raw.send("GET /accounts?x=|{} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(raw.readUntilClosed()).startsWith("HTTP/1.1 400").contains("INVALID_REQUEST");
        }
        assertThat(Http.get(followerUrl() + "/health").status()).isEqualTo(200);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        try (RawHttp raw = new RawHttp(cluster.members.get(follower).httpAddress())) {
            raw.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /cluster HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            String all = raw.readUntilClosed();
            int ok = all.indexOf("HTTP/1.1 200");
            int notFound = all.indexOf("HTTP/1.1 404");
            int cluster = all.lastIndexOf("HTTP/1.1 200");
            assertThat(ok).isZero();
            assertThat(notFound).isGreaterThan(ok);
            assertThat(cluster).isGreaterThan(notFound);
        }
    }

    @Test
    void aSlowClientIsCutOffAfterTheReadTimeoutWithoutDelayingOthers() {
        ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor();
        try (RawHttp slow = new RawHttp(cluster.members.get(follower).httpAddress())) {
            slow.send("POST /accounts HTTP/1.1\r\nHost: t\r\nContent-Length: 200\r\n\r\n{");
            // one byte every 50 ms: never finishes within the 1 s read timeout
            trickler.scheduleAtFixedRate(() -> {
                try {
                    slow.socket.getOutputStream().write(' ');
                } catch (java.io.IOException closed) {
                    throw new RuntimeException(closed); // stops the schedule
                }
            }, 50, 50, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                assertThat(Http.get(followerUrl() + "/health").status()).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }
            String answer = slow.readUntilClosed();
            assertThat(answer).startsWith("HTTP/1.1 408").contains("REQUEST_TIMEOUT");
        } finally {
            trickler.shutdownNow();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndServiceResumesWhenTheyClose() {
        java.util.List<RawHttp> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS + 8; i++) {
                held.add(new RawHttp(cluster.members.get(follower).httpAddress()));
            }
            // the node answers each refused connection at once; the others wait for a request
            await().atMost(Duration.ofSeconds(10)).until(() -> held.stream().filter(RawHttp::hasData).count() >= 8);
            long refused = held.stream().filter(RawHttp::hasData)
                    .filter(c -> c.readUntilClosed().contains("TOO_MANY_CONNECTIONS")).count();
            assertThat(refused).isGreaterThanOrEqualTo(8);
            // the other nodes are not affected
            assertThat(Http.get(leaderUrl() + "/health").status()).isEqualTo(200);
        } finally {
            held.forEach(RawHttp::close);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(followerUrl() + "/health").status() == 200);
    }
}
