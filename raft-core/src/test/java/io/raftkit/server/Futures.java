package io.raftkit.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting on a future that must fail, in tests. */
final class Futures {

    private Futures() {
    }

    /** The cause a future fails with within {@code seconds}; an AssertionError if it succeeds or hangs. */
    static Throwable failureOf(CompletableFuture<?> f, long seconds) {
        try {
            f.get(seconds, TimeUnit.SECONDS);
            throw new AssertionError("expected the future to fail, it completed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the future did not complete within " + seconds + " s", e);
        }
    }

    /** {@link #failureOf(CompletableFuture, long)} with 10 s. */
    static Throwable failureOf(CompletableFuture<?> f) {
        return failureOf(f, 10);
    }
}
