package io.raftkit.ledger;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits of a node's HTTP API, so that no client can starve the others.
 *
 * @param maxConnections  open connections accepted at once; more are closed at once with a 503
 * @param idleTimeout     a connection with no request in progress for this long is closed
 * @param readTimeout     a request must arrive whole within this time from its first byte (slow clients)
 * @param maxBodyBytes    larger request bodies are refused with a 400
 * @param requestTimeout  how long a request may wait for a leader, a commit or a forwarded answer
 */
public record HttpLimits(int maxConnections, Duration idleTimeout, Duration readTimeout, int maxBodyBytes,
                         Duration requestTimeout) {

    public HttpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        if (maxBodyBytes < 256) {
            throw new IllegalArgumentException("maxBodyBytes must be at least 256, was " + maxBodyBytes);
        }
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("readTimeout", readTimeout);
        requirePositive("requestTimeout", requestTimeout);
    }

    /** 1024 connections, 60 s idle, 10 s to read a request, 64 KiB bodies, 5 s per request. */
    public static HttpLimits defaults() {
        return new HttpLimits(1024, Duration.ofSeconds(60), Duration.ofSeconds(10), 64 * 1024, Duration.ofSeconds(5));
    }

    public HttpLimits withMaxConnections(int value) {
        return new HttpLimits(value, idleTimeout, readTimeout, maxBodyBytes, requestTimeout);
    }

    public HttpLimits withIdleTimeout(Duration value) {
        return new HttpLimits(maxConnections, value, readTimeout, maxBodyBytes, requestTimeout);
    }

    public HttpLimits withReadTimeout(Duration value) {
        return new HttpLimits(maxConnections, idleTimeout, value, maxBodyBytes, requestTimeout);
    }

    public HttpLimits withMaxBodyBytes(int value) {
        return new HttpLimits(maxConnections, idleTimeout, readTimeout, value, requestTimeout);
    }

    public HttpLimits withRequestTimeout(Duration value) {
        return new HttpLimits(maxConnections, idleTimeout, readTimeout, maxBodyBytes, value);
    }

    private static void requirePositive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
    }
}
