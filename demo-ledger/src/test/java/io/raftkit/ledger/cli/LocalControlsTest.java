package io.raftkit.ledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.ledger.cli.LocalTestCluster.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's controls in the local demo, through the HTTP routes the page uses: a node cut
 * off through the transport loses its leadership and catches up when reconnected; a stopped node
 * keeps its data and comes back on the same ports.
 */
class LocalControlsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private LocalTestCluster local;

    @BeforeEach
    void start() {
        local = new LocalTestCluster(root, 3);
        await().atMost(WAIT).until(() -> local.agreedLeader() != null);
        assertThat(LocalTestCluster.post(local.url("n1") + "/accounts", "{\"id\":\"a\"}").status()).isEqualTo(201);
        assertThat(LocalTestCluster.post(local.url("n1") + "/accounts", "{\"id\":\"b\"}").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() {
        if (local != null) {
            local.close();
        }
    }

    private String other(String... not) {
        List<String> excluded = List.of(not);
        return local.members.stream().map(m -> m.id()).filter(id -> !excluded.contains(id)).findFirst().orElseThrow();
    }

    private static String localBalance(String url, String account) {
        Reply r = LocalTestCluster.get(url + "/accounts/" + account + "?consistency=local");
        return r == null || r.status() != 200 ? null : r.json().get("balance").asText();
    }

    private Reply control(String via, String node, String action) {
        return LocalTestCluster.post(local.url(via) + "/demo/nodes/" + node + "/" + action, null);
    }

    @Test
    void aLeaderCutOffLosesItsPlaceAndCatchesUpWhenReconnected() {
        String leader = local.agreedLeader();
        String via = other(leader);
        assertThat(control(via, leader, "isolate").status()).isEqualTo(200);
        assertThat(LocalTestCluster.get(local.url(via) + "/dashboard/state").json().get("local").get("isolated")
                .get(0).asText()).isEqualTo(leader);

        // the two others elect one of them; the cut-off node cannot hear of it
        await().atMost(WAIT).until(() -> {
            Reply c = LocalTestCluster.get(local.url(via) + "/cluster");
            return c != null && !c.json().get("leaderId").isNull() && !c.json().get("leaderId").asText().equals(leader);
        });
        Reply t = LocalTestCluster.post(local.url(via) + "/transfers",
                "{\"msgId\":\"cut-1\",\"from\":\"a\",\"to\":\"b\",\"amount\":\"7.00\"}");
        assertThat(t.status()).isEqualTo(200);
        assertThat(localBalance(local.url(leader), "b")).isEqualTo("100.00");

        assertThat(control(via, leader, "heal").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> "107.00".equals(localBalance(local.url(leader), "b")));
        await().atMost(WAIT).until(() -> local.agreedLeader() != null);
    }

    @Test
    void aStoppedNodeKeepsItsDataAndComesBackOnTheSamePorts() {
        Reply t = LocalTestCluster.post(local.url("n1") + "/transfers",
                "{\"msgId\":\"kept-1\",\"from\":\"a\",\"to\":\"b\",\"amount\":\"3.00\"}");
        assertThat(t.status()).isEqualTo(200);
        String node = "n3";
        await().atMost(WAIT).until(() -> "103.00".equals(localBalance(local.url(node), "b")));

        assertThat(control("n1", node, "stop").status()).isEqualTo(200);
        assertThat(LocalTestCluster.get(local.url(node) + "/health")).as("its HTTP port is closed").isNull();
        assertThat(local.cluster.stopped()).containsExactly(node);

        // started again cut off, it can only show what it had on disk, not what a leader sends it
        assertThat(control("n1", node, "isolate").status()).isEqualTo(200);
        assertThat(control("n1", node, "start").status()).isEqualTo(200);
        assertThat(localBalance(local.url(node), "b")).isEqualTo("103.00");

        assertThat(control("n1", node, "heal").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> local.agreedLeader() != null);
    }

    @Test
    void theLastRunningNodeCannotBeStoppedAndUnknownNodesAreNotFound() {
        assertThat(control("n1", "n2", "stop").status()).isEqualTo(200);
        assertThat(control("n1", "n3", "stop").status()).isEqualTo(200);
        Reply last = control("n1", "n1", "stop");
        assertThat(last.status()).isEqualTo(409);
        assertThat(last.json().get("message").asText()).contains("last running node");
        assertThat(control("n1", "n9", "stop").status()).isEqualTo(404);
        assertThat(control("n1", "n2", "reboot").status()).isEqualTo(404);
        assertThat(LocalTestCluster.get(local.url("n1") + "/demo/nodes/n2/start").status()).isEqualTo(405);
    }
}
