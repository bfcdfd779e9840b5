package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's routes on nodes started alone (not the local demo): the page and its files, each
 * node's view, the live stream, CORS for the members' pages only, and no demo controls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {

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

    private String origin(int i) {
        return cluster.url(i); // http://127.0.0.1:port, what a browser sends as Origin
    }

    @Test
    void thePageAndItsFilesComeFromTheJar() {
        Http.Reply page = Http.get(cluster.url(follower) + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("/dashboard/app.js", "/dashboard/style.css", "id=\"members\"");

        Http.Reply js = Http.get(cluster.url(follower) + "/dashboard/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(js.body()).contains("EventSource");
        assertThat(Http.get(cluster.url(follower) + "/dashboard/style.css").header("Content-Type"))
                .startsWith("text/css");

        // only the named files: a path is never looked up as a resource
        assertThat(Http.get(cluster.url(follower) + "/dashboard/missing.js").status()).isEqualTo(404);
        assertThat(Http.get(cluster.url(follower) + "/dashboard/..%2Fio%2Fraftkit").status()).isEqualTo(404);
        assertThat(Http.method("POST", cluster.url(follower) + "/", "{}").status()).isEqualTo(405);
    }

    @Test
    void eachNodeReportsItsOwnViewWithTheLeadersFollowerLagAndItsAppliedLedger() {
        Http.post(cluster.url(leader) + "/accounts", "{\"id\":\"dash-a\"}");
        Http.post(cluster.url(leader) + "/accounts", "{\"id\":\"dash-b\"}");
        Http.Reply t = Http.post(cluster.url(follower) + "/transfers",
                "{\"msgId\":\"dash-1\",\"from\":\"dash-a\",\"to\":\"dash-b\",\"amount\":\"2.50\"}");
        assertThat(t.status()).isEqualTo(200);
        long index = t.json().get("index").asLong();

        for (int i = 0; i < cluster.nodes.length; i++) {
            String url = cluster.url(i);
            String id = cluster.members.get(i).id();
            // every replica applies the transfer and shows it in its own view
            await().atMost(Duration.ofSeconds(10)).until(() -> Http.get(url + "/dashboard/state").json()
                    .get("appliedIndex").asLong() >= index);
            JsonNode s = Http.get(url + "/dashboard/state").json();
            assertThat(s.get("nodeId").asText()).isEqualTo(id);
            assertThat(s.get("role").asText()).isEqualTo(i == leader ? "LEADER" : "FOLLOWER");
            assertThat(s.get("leaderId").asText()).isEqualTo(cluster.members.get(leader).id());
            assertThat(s.get("term").asLong()).isPositive();
            assertThat(s.get("members")).hasSize(3);
            assertThat(s.get("local").isNull()).as("no demo controls on a node started alone").isTrue();
            assertThat(balance(s, "dash-b")).isEqualTo("102.50");
            assertThat(s.get("transfers").get(0).get("msgId").asText()).isEqualTo("dash-1");
            assertThat(s.get("leaderChanges")).anySatisfy(c -> assertThat(c.get("leaderId").asText())
                    .isEqualTo(cluster.members.get(leader).id()));
            List<String> followers = new ArrayList<>();
            s.get("followers").forEach(f -> followers.add(f.get("id").asText()));
            if (i == leader) {
                assertThat(followers).containsExactlyInAnyOrderElementsOf(cluster.members.stream()
                        .map(Member::id).filter(m -> !m.equals(id)).toList());
            } else {
                assertThat(followers).isEmpty();
            }
        }
        // a second after the transfer the leader's samples have seen it
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            JsonNode samples = Http.get(cluster.url(leader) + "/dashboard/state").json().get("samples");
            for (JsonNode sm : samples) {
                if (sm.get("transfersPerSec").asDouble() > 0 && !sm.get("latencyMs").isNull()) {
                    return true;
                }
            }
            return false;
        });
    }

    private static String balance(JsonNode state, String account) {
        for (JsonNode a : state.get("accounts").get("list")) {
            if (a.get("id").asText().equals(account)) {
                return a.get("balance").asText();
            }
        }
        return null;
    }

    @Test
    void demoControlsAreForbiddenOnANodeStartedAlone() {
        for (String action : List.of("stop", "start", "isolate", "heal")) {
            Http.Reply r = Http.post(cluster.url(follower) + "/demo/nodes/" + cluster.members.get(leader).id()
                    + "/" + action, "");
            assertThat(r.status()).as(action).isEqualTo(403);
            assertThat(r.error()).isEqualTo("FORBIDDEN");
        }
        assertThat(Http.get(cluster.url(follower) + "/demo/nodes").status()).isEqualTo(403);
        assertThat(cluster.nodes[leader].status().running()).isTrue();
    }

    @Test
    void corsHeadersOnlyForPagesServedByAMember() {
        String url = cluster.url(follower) + "/dashboard/state";
        Http.Reply fromMember = Http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", origin(leader)));
        assertThat(fromMember.header("Access-Control-Allow-Origin")).isEqualTo(origin(leader));
        // the same member reached as localhost is the same page
        String asLocalhost = origin(leader).replace("127.0.0.1", "localhost");
        assertThat(Http.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", asLocalhost))
                .header("Access-Control-Allow-Origin")).isEqualTo(asLocalhost);
        Http.Reply fromElsewhere = Http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Origin", "http://evil.example"));
        assertThat(fromElsewhere.status()).isEqualTo(200);
        assertThat(fromElsewhere.header("Access-Control-Allow-Origin")).isNull();

        // the preflight before a cross-origin POST of JSON
        HttpRequest.Builder preflight = HttpRequest.newBuilder(URI.create(cluster.url(follower) + "/transfers"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type");
        Http.Reply ok = Http.send(preflight.copy().header("Origin", origin(leader)));
        assertThat(ok.status()).isEqualTo(204);
        assertThat(ok.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(ok.header("Access-Control-Allow-Headers")).containsIgnoringCase("content-type");
        Http.Reply refused = Http.send(preflight.copy().header("Origin", "http://evil.example"));
        assertThat(refused.status()).isEqualTo(405);
        assertThat(refused.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void eventsStreamTheNodesViewAsServerSentEvents() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(cluster.url(follower) + "/events"))
                .header("Origin", origin(leader)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).contains(origin(leader));
            List<JsonNode> events = new ArrayList<>();
            String line;
            while (events.size() < 2 && (line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(Json.MAPPER.readTree(line.substring("data: ".length())));
                }
            }
            assertThat(events).hasSize(2);
            assertThat(events).allSatisfy(e -> assertThat(e.get("nodeId").asText())
                    .isEqualTo(cluster.members.get(follower).id()));
            // a new view each time, not one answer repeated
            assertThat(events.get(1).get("at").asLong()).isGreaterThan(events.get(0).get("at").asLong());
        }
        // the API answers as before on a new connection
        assertThat(Http.get(cluster.url(follower) + "/cluster").status()).isEqualTo(200);
    }
}
