package io.raftkit.ledger.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A scripted HTTP node on 127.0.0.1 (free port): answers each "METHOD /path" from a queue, the last answer repeating. */
public final class FakeNode implements AutoCloseable {

    public record Received(String method, URI uri, String body) {
    }

    public record Answer(int status, String body, Map<String, String> headers, boolean hangs) {
        public static Answer json(int status, String body, String... headerPairs) {
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                headers.put(headerPairs[i], headerPairs[i + 1]);
            }
            return new Answer(status, body, headers, false);
        }

        /** Never answers (until the node closes): a node that accepted the request and went silent. */
        public static Answer hanging() {
            return new Answer(0, "", Map.of(), true);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Deque<Answer>> script = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    public FakeNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public FakeNode on(String methodAndPath, Answer... answers) {
        script.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).addAll(List.of(answers));
        return this;
    }

    public List<Received> received() {
        return received;
    }

    public List<Received> received(String method, String path) {
        return received.stream().filter(r -> r.method().equals(method) && r.uri().getPath().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI(), body));
        Answer answer = next(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
        if (answer.hangs()) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private Answer next(String key) {
        Deque<Answer> answers = script.get(key);
        if (answers == null || answers.isEmpty()) {
            return Answer.json(404, "{\"error\":\"NOT_SCRIPTED\",\"message\":\"" + key + "\"}");
        }
        synchronized (answers) {
            return answers.size() > 1 ? answers.poll() : answers.peek();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
