package io.raftkit.ledger;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Relays a request that only the leader can serve to the leader's HTTP API, asynchronously.
 * The library does not forward yet; when it does, this class goes away.
 */
final class LeaderForwarder implements AutoCloseable {

    /** Header naming the node that forwarded a request; a forwarded request is never forwarded again. */
    static final String FORWARDED_BY = "Raft-Forwarded-By";

    /** How a forward ended. */
    sealed interface Outcome permits Answered, NotSent, Lost {
    }

    /** The leader answered. */
    record Answered(ApiResponse response) implements Outcome {
    }

    /** The request never reached a server (connection refused or timed out): nothing was done. */
    record NotSent(String why) implements Outcome {
    }

    /** The request may have reached the leader but no answer came back. */
    record Lost(String why, boolean timedOut) implements Outcome {
    }

    private final String selfId;
    private final ExecutorService executor;
    private final HttpClient client;

    LeaderForwarder(String selfId, Duration connectTimeout) {
        this.selfId = selfId;
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ledger-forward-" + selfId);
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout)
                .executor(executor).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Sends {@code request} to {@code leader}; never fails, the outcome says what happened. */
    CompletableFuture<Outcome> forward(InetSocketAddress leader, ApiRequest request, Duration timeout) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create("http://" + leader.getHostString() + ":" + leader.getPort()
                            + request.uri()))
                    .timeout(timeout)
                    .header(FORWARDED_BY, selfId)
                    .header("Content-Type", ApiResponse.JSON);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_REQUEST", "malformed request target");
        }
        b.method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(request.body()));
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .handle((resp, err) -> err == null ? answered(resp) : failed(err));
    }

    private static Outcome answered(HttpResponse<byte[]> resp) {
        String type = resp.headers().firstValue("Content-Type").orElse(ApiResponse.JSON);
        ApiResponse r = new ApiResponse(resp.statusCode(), type, resp.body(), java.util.Map.of());
        for (String h : new String[] {LedgerHttpHandler.RAFT_LEADER, "Retry-After", "Allow"}) {
            String v = resp.headers().firstValue(h).orElse(null);
            if (v != null) {
                r = r.withHeader(h, v);
            }
        }
        return new Answered(r);
    }

    private static Outcome failed(Throwable err) {
        Throwable e = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (e instanceof HttpConnectTimeoutException || e instanceof ConnectException
                || e.getCause() instanceof ConnectException) {
            return new NotSent(String.valueOf(e.getMessage()));
        }
        return new Lost(e.getClass().getSimpleName() + ": " + e.getMessage(), e instanceof HttpTimeoutException);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
