package io.raftkit.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric that docs/grafana's dashboard and alert rules query exists on a live node's
 * {@code /metrics}, under that exact Prometheus name: a renamed meter breaks this test, not an
 * operator's dashboard.
 */
class GrafanaDashboardTest {

    private static final Path GRAFANA = Path.of("..", "docs", "grafana");
    /** Metric names in PromQL: ours all start with raft_ or ledger_. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:raft|ledger)_[a-zA-Z0-9_]+)");

    @TempDir
    Path dir;

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsServedByANode() throws IOException {
        Set<String> queried = new TreeSet<>();
        JsonNode dashboard = Json.MAPPER.readTree(Files.readString(GRAFANA.resolve("raftkit-ledger.json")));
        collectExpressions(dashboard, queried);
        assertThat(queried).as("metrics the dashboard queries").hasSizeGreaterThan(15);
        String alerts = Files.readString(GRAFANA.resolve("raftkit-ledger-alerts.yml"), StandardCharsets.UTF_8);
        Set<String> alerted = names(alerts);
        assertThat(alerted).as("metrics the alert rules query").hasSizeGreaterThan(5);
        queried.addAll(alerted);

        Set<String> served;
        try (TestCluster cluster = new TestCluster(dir, 3, HttpLimits.defaults())) {
            int leader = cluster.awaitLeader();
            // counters with labels exist once counted: do what a running ledger does
            String url = cluster.url(cluster.aFollower(leader));
            assertThat(Http.post(url + "/accounts", "{\"id\":\"g1\"}").status()).isEqualTo(201);
            assertThat(Http.post(url + "/accounts", "{\"id\":\"g2\"}").status()).isEqualTo(201);
            assertThat(Http.post(url + "/transfers", "{\"msgId\":\"g\",\"from\":\"g1\",\"to\":\"g2\",\"amount\":\"1\"}")
                    .status()).isEqualTo(200);
            assertThat(Http.get(url + "/accounts/g1").status()).isEqualTo(200);
            served = sampleNames(Http.get(cluster.url(leader) + "/metrics").body());
        }
        assertThat(served).as("what /metrics serves").containsAll(queried);
    }

    private static void collectExpressions(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("expr") || e.getKey().equals("definition")) && e.getValue().isTextual()) {
                    into.addAll(names(e.getValue().asText()));
                } else {
                    collectExpressions(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectExpressions(n, into));
        }
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The names of the samples in a Prometheus text exposition (not its HELP and TYPE lines). */
    private static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
