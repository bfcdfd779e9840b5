package io.raftkit.server;

import io.raftkit.errors.OverloadedException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The backpressure bound: how many requests, and how many bytes of commands and queries, are
 * accepted and not yet completed. A request takes its share when accepted and gives it back
 * exactly once, when the runtime completes it (never when the caller does something to its future).
 */
final class PendingBudget {

    private final int maxCount;
    private final long maxBytes;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    PendingBudget(int maxCount, long maxBytes) {
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /**
     * Takes one request of {@code size} bytes.
     *
     * @return null if taken, else why not (naming the setting), for an {@link OverloadedException}
     */
    String tryAcquire(long size) {
        if (count.incrementAndGet() > maxCount) {
            count.decrementAndGet();
            return maxCount + " requests pending (maxPendingRequests)";
        }
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            count.decrementAndGet();
            return "more than " + maxBytes + " bytes of requests pending (maxPendingBytes)";
        }
        return null;
    }

    void release(long size) {
        bytes.addAndGet(-size);
        count.decrementAndGet();
    }

    int count() {
        return count.get();
    }

    long bytes() {
        return bytes.get();
    }
}
