package io.raftkit.ledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raftkit.ledger.Member;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A {@link LocalCluster} (the local demo, with its controls) on free 127.0.0.1 ports, and HTTP helpers. */
final class LocalTestCluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final LocalCluster cluster;
    final List<Member> members;

    /** One HTTP answer. */
    record Reply(int status, JsonNode json) {
    }

    LocalTestCluster(Path root, int size) {
        LocalCluster started = null;
        List<Member> chosen = null;
        for (int attempt = 1; started == null; attempt++) {
            List<Member> ms = pickMembers(size);
            LocalCluster c = new LocalCluster(root, ms, true);
            try {
                c.startAll();
                started = c;
                chosen = ms;
            } catch (RuntimeException e) {
                c.close();
                // a port found free was taken meanwhile: pick others; anything else is a real failure
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("cannot bind")) {
                    throw e;
                }
            }
        }
        this.cluster = started;
        this.members = chosen;
    }

    private static List<Member> pickMembers(int size) {
        Set<Integer> ports = new LinkedHashSet<>();
        while (ports.size() < 2 * size) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports.add(s.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        var it = ports.iterator();
        List<Member> ms = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            ms.add(new Member("n" + i, new InetSocketAddress("127.0.0.1", it.next()),
                    new InetSocketAddress("127.0.0.1", it.next())));
        }
        return List.copyOf(ms);
    }

    String url(String id) {
        return LocalCluster.url(members.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow()).toString();
    }

    /** The leader every running node agrees on, or null. */
    String agreedLeader() {
        String agreed = null;
        for (String id : cluster.runningIds()) {
            Reply r = get(url(id) + "/cluster");
            if (r == null || r.json().get("leaderId").isNull()) {
                return null;
            }
            String l = r.json().get("leaderId").asText();
            if (agreed != null && !agreed.equals(l)) {
                return null;
            }
            agreed = l;
        }
        return agreed;
    }

    /** GET; null when the node does not answer. */
    static Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    /** POST of a JSON body (or none); null when the node does not answer. */
    static Reply post(String url, String body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Reply send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = CLIENT.send(b.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        cluster.close();
    }
}
