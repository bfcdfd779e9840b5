package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every route of DESIGN.md §6 against a real three-node cluster in this JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerHttpApiTest {

    TestCluster cluster;
    int leader;
    int follower;

    @BeforeAll
    void start(@TempDir Path dir) {
        cluster = new TestCluster(dir, 3, HttpLimits.defaults());
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
}
