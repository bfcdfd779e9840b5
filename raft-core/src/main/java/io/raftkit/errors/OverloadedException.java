package io.raftkit.errors;

/**
 * The server refused a request because too many are pending
 * ({@link io.raftkit.server.ServerConfig#maxPendingRequests()}). Nothing was done: the request was never proposed,
 * so retrying later (with backoff) is always safe.
 */
public class OverloadedException extends RuntimeException {

    public OverloadedException(String message) {
        super(message);
    }
}
