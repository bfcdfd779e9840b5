package io.raftkit.ledger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Throughput and latency over the last minutes, one sample per call to {@link #sample()} (the node
 * calls it every second), for the dashboard's sparklines. Each sample is the difference between two
 * readings of the node's meters, so it shows what happened during that second, not since start.
 * Bounded: the oldest samples are forgotten. Sampled on one thread, read by HTTP threads.
 */
final class MetricSamples {

    /**
     * What happened between two samples.
     *
     * @param atMillis        when the sample was taken (this node's wall clock)
     * @param transfersPerSec transfers applied by this node's state machine, per second
     * @param entriesPerSec   log entries applied, per second (transfers, accounts, no-ops)
     * @param latencyMillis   mean time from submit to applied of the commands proposed on this node
     *                        (so only the leader has one), or null when it proposed none
     */
    record Sample(long atMillis, double transfersPerSec, double entriesPerSec, Double latencyMillis) {
    }

    private final MeterRegistry registry;
    private final LongSupplier appliedIndex;
    private final Clock clock;
    private final int capacity;
    private final ArrayDeque<Sample> samples; // guarded by this
    private Reading last; // only the sampling thread touches it

    private record Reading(long nanos, double transfers, long applied, long proposals, double proposalNanos) {
    }

    MetricSamples(MeterRegistry registry, LongSupplier appliedIndex, Clock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.registry = registry;
        this.appliedIndex = appliedIndex;
        this.clock = clock;
        this.capacity = capacity;
        this.samples = new ArrayDeque<>(capacity);
    }

    /** Reads the meters and records what changed since the previous call (the first call only reads). */
    void sample() {
        Reading now = read();
        Reading before = last;
        last = now;
        if (before == null) {
            return;
        }
        double seconds = (now.nanos - before.nanos) / 1e9;
        if (seconds <= 0) {
            return;
        }
        long proposals = now.proposals - before.proposals;
        Double latency = proposals <= 0 ? null
                : (now.proposalNanos - before.proposalNanos) / proposals / 1e6;
        Sample s = new Sample(clock.millis(), Math.max(0, now.transfers - before.transfers) / seconds,
                Math.max(0, now.applied - before.applied) / seconds, latency);
        synchronized (this) {
            if (samples.size() == capacity) {
                samples.removeFirst();
            }
            samples.addLast(s);
        }
    }

    /** The samples kept, oldest first. */
    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    private Reading read() {
        double transfers = 0;
        for (Counter c : registry.find("ledger.transfers").counters()) {
            transfers += c.count();
        }
        long proposals = 0;
        double proposalNanos = 0;
        for (Timer t : registry.find("raft.proposal.latency").timers()) {
            proposals += t.count();
            proposalNanos += t.totalTime(TimeUnit.NANOSECONDS);
        }
        return new Reading(System.nanoTime(), transfers, appliedIndex.getAsLong(), proposals, proposalNanos);
    }
}
