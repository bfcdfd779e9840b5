package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Leader loss, restarts on the same data directory and ports in this JVM, and life without a quorum. */
class LedgerFailoverTest {

    @TempDir
    Path dir;

    @Test
    void survivesLeaderLossRestartsInPlaceAndAnswersNoLeaderWithoutAQuorum() {
        HttpLimits limits = HttpLimits.defaults().withRequestTimeout(Duration.ofSeconds(2));
        try (TestCluster cluster = new TestCluster(dir, 3, limits)) {
            int leader = cluster.awaitLeader();
            int follower = cluster.aFollower(leader);
            assertThat(Http.post(cluster.url(follower) + "/accounts", "{\"id\":\"a\"}").status()).isEqualTo(201);
            assertThat(Http.post(cluster.url(follower) + "/accounts", "{\"id\":\"b\"}").status()).isEqualTo(201);
            assertThat(transfer(cluster.url(follower), "t1", "10.00").status()).isEqualTo(200);

            // the leader goes away: the others elect a new one and keep serving
            String oldLeader = cluster.members.get(leader).id();
            cluster.stop(leader);
            int newLeader = cluster.awaitLeader();
            assertThat(cluster.members.get(newLeader).id()).isNotEqualTo(oldLeader);
            Http.Reply t2 = transfer(cluster.url(cluster.aFollower(newLeader)), "t2", "5.00");
            assertThat(t2.status()).as(t2.body()).isEqualTo(200);
            assertThat(t2.header("Raft-Leader")).isEqualTo(cluster.members.get(newLeader).id());

            // the old leader restarts on its data directory and ports, and catches up
            cluster.restart(leader);
            String url = cluster.url(leader) + "/accounts/a?consistency=local";
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                Http.Reply r = Http.get(url);
                return r.status() == 200 && r.json().get("balance").asText().equals("85.00");
            });

            // two nodes down: the last one cannot know a leader
            int survivor = cluster.awaitLeader();
            int other = cluster.aFollower(survivor);
            int lone = 3 - survivor - other;
            cluster.stop(survivor);
            cluster.stop(other);
            String loneUrl = cluster.url(lone);
            Http.Reply write = transfer(loneUrl, "t3", "1.00");
            assertThat(write.status()).isEqualTo(503);
            assertThat(write.error()).isEqualTo("NO_LEADER");
            assertThat(write.header("Retry-After")).isEqualTo("1");
            assertThat(write.header("Raft-Leader")).isNotNull();
            Http.Reply read = Http.get(loneUrl + "/accounts/a");
            assertThat(read.status()).isEqualTo(503);
            assertThat(read.error()).isEqualTo("NO_LEADER");
            Http.Reply local = Http.get(loneUrl + "/accounts/a?consistency=local");
            assertThat(local.status()).isEqualTo(200);
            assertThat(local.json().get("balance").asText()).isEqualTo("85.00");
            assertThat(Http.get(loneUrl + "/health").status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(loneUrl + "/ready").status() == 503);

            // back to a quorum: the refused write was not applied, so retrying its msgId commits it once
            cluster.restart(survivor);
            cluster.restart(other);
            cluster.awaitLeader();
            Http.Reply retried = transfer(loneUrl, "t3", "1.00");
            assertThat(retried.status()).as(retried.body()).isEqualTo(200);
            assertThat(retried.json().get("duplicate").asBoolean()).isFalse();
            for (int i = 0; i < 3; i++) {
                String u = cluster.url(i);
                await().atMost(Duration.ofSeconds(20)).until(() ->
                        Http.get(u + "/accounts/b?consistency=local").body().contains("\"116.00\""));
                assertThat(Http.get(u + "/accounts/a?consistency=local").json().get("balance").asText())
                        .isEqualTo("84.00");
            }
        }
    }

    private static Http.Reply transfer(String url, String msgId, String amount) {
        return Http.post(url + "/transfers", "{\"msgId\":\"" + msgId + "\",\"from\":\"a\",\"to\":\"b\",\"amount\":\""
                + amount + "\"}");
    }
}
