package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The membership routes (issue 13) on three ledger nodes in this JVM: a fourth node started with
 * {@code join} is added over HTTP through a follower (forwarded to the leader), ends with the same
 * balances, and shows in every node's {@code GET /cluster} with its HTTP address.
 */
class LedgerMembershipTest {

    @TempDir
    Path dir;
    private TestCluster cluster;
    private LedgerNode n4;

    @AfterEach
    void stop() {
        if (n4 != null) {
            n4.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void growByOneNodeOverHttpThenRemoveIt() {
        cluster = new TestCluster(dir, 3, HttpLimits.defaults());
        int leader = cluster.awaitLeader();
        String leaderUrl = cluster.url(leader);
        String followerUrl = cluster.url(cluster.aFollower(leader));
        Http.post(leaderUrl + "/accounts", "{\"id\":\"a\",\"initialBalance\":\"100.00\"}");
        Http.post(leaderUrl + "/accounts", "{\"id\":\"b\",\"initialBalance\":\"0\"}");
        Http.post(leaderUrl + "/transfers", "{\"msgId\":\"t1\",\"from\":\"a\",\"to\":\"b\",\"amount\":\"10.00\"}");
        JsonNode before = Http.get(followerUrl + "/cluster").json();
        String clusterId = before.get("clusterId").asText();
        assertThat(clusterId).startsWith("raftkit-ledger-");
        assertThat(before.get("voters")).hasSize(3);
        assertThat(before.get("learners")).isEmpty();
        assertThat(before.get("members").get(0).get("role").asText()).isEqualTo("voter");

        Member m4 = new Member("n4", new InetSocketAddress("127.0.0.1", TestCluster.freePort()),
                new InetSocketAddress("127.0.0.1", TestCluster.freePort()));
        List<Member> known = new ArrayList<>(cluster.members);
        known.add(m4);
        n4 = LedgerNode.start(new LedgerNodeConfig("n4", dir.resolve("n4"), known, HttpLimits.defaults(), true,
                clusterId));
        Http.Reply added = Http.post(followerUrl + "/cluster/members", "{\"id\":\"n4\",\"raftAddress\":\""
                + hostPort(m4.raftAddress()) + "\",\"httpAddress\":\"" + hostPort(m4.httpAddress()) + "\"}");

        assertThat(added.status()).as(added.body()).isEqualTo(200);
        assertThat(added.json().get("voters")).hasSize(4);
        Http.post(followerUrl + "/transfers", "{\"msgId\":\"t2\",\"from\":\"a\",\"to\":\"b\",\"amount\":\"2.50\"}");
        String n4Url = "http://" + hostPort(m4.httpAddress());
        await().atMost(Duration.ofSeconds(20)).until(() ->
                Http.get(n4Url + "/accounts?consistency=local").body()
                        .equals(Http.get(leaderUrl + "/accounts?consistency=local").body())
                && Http.get(n4Url + "/accounts/b?consistency=local").json().path("balance").asText().equals("12.50"));
        for (int i = 0; i < 3; i++) {
            int node = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> hasMember(Http.get(cluster.url(node) + "/cluster").json(),
                    "n4", hostPort(m4.httpAddress()), "voter"));
        }
        assertThat(Http.get(n4Url + "/cluster").json().get("clusterId").asText()).isEqualTo(clusterId);

        Http.Reply removed = Http.method("DELETE", followerUrl + "/cluster/members/n4", null);
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().get("voters")).hasSize(3);
        assertThat(Http.get(leaderUrl + "/cluster").json().get("members")).hasSize(3);
    }

    @Test
    void refusedChangesAnswerWithTheReasonAndLeadershipMovesOnRequest() {
        cluster = new TestCluster(dir, 3, HttpLimits.defaults());
        int leader = cluster.awaitLeader();
        String followerUrl = cluster.url(cluster.aFollower(leader));

        Http.Reply unknown = Http.method("DELETE", followerUrl + "/cluster/members/n9", null);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error()).isEqualTo("INVALID_MEMBERSHIP_CHANGE");
        assertThat(unknown.json().get("message").asText()).contains("n9");
        Http.Reply voter = Http.post(followerUrl + "/cluster/members/n1/promote", "");
        assertThat(voter.status()).isEqualTo(400);
        assertThat(voter.json().get("message").asText()).contains("already a voter");
        Http.Reply bad = Http.post(followerUrl + "/cluster/members", "{\"id\":\"n5\",\"raftAddress\":\"nope\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).isEqualTo("INVALID_MEMBER");
        assertThat(Http.method("GET", followerUrl + "/cluster/members", null).status()).isEqualTo(405);

        String target = cluster.members.get(cluster.aFollower(leader)).id();
        Http.Reply moved = Http.post(cluster.url(leader) + "/cluster/leader", "{\"id\":\"" + target + "\"}");
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(cluster.members.get(cluster.awaitLeader()).id()).isEqualTo(target);
    }

    private static boolean hasMember(JsonNode cluster, String id, String http, String role) {
        for (JsonNode m : cluster.get("members")) {
            if (m.get("id").asText().equals(id)) {
                return m.get("httpAddress").asText().equals(http) && m.get("role").asText().equals(role)
                        && m.get("voter").asBoolean();
            }
        }
        return false;
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }
}
