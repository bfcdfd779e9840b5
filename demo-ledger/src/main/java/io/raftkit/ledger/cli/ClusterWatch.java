package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.ClusterStatus;
import io.raftkit.ledger.client.LedgerClient;
import io.raftkit.ledger.client.LedgerClientException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/** Waits, with a bound, for a cluster to reach a state, asking each node for its own view. */
final class ClusterWatch {

    private static final Duration POLL = Duration.ofMillis(100);

    private final LedgerClient probe;

    ClusterWatch(Collection<URI> nodes) {
        // short attempts: a node that is down must not hold up the others
        this.probe = LedgerClient.builder().servers(java.util.List.copyOf(nodes))
                .requestTimeout(Duration.ofMillis(500)).connectTimeout(Duration.ofMillis(500))
                .deadline(Duration.ofMillis(500)).build();
    }

    /** The status of the node that calls itself leader, other than {@code except}'s. */
    ClusterStatus awaitLeader(Duration timeout, String except) {
        return await(timeout, "a leader to be elected", s -> isLeader(s) && !s.nodeId().equals(except));
    }

    /** Waits until {@code node} has applied at least {@code index}. */
    ClusterStatus awaitApplied(URI node, long index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<ClusterStatus> status = status(node);
            if (status.isPresent() && status.get().appliedIndex() >= index) {
                return status.get();
            }
            if (System.nanoTime() > deadline) {
                throw new CliFailure(ExitCodes.FAILURE, node + " did not apply index " + index + " within "
                        + timeout.toSeconds() + " s");
            }
            pause();
        }
    }

    private ClusterStatus await(Duration timeout, String what, Predicate<ClusterStatus> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (URI node : probe.servers()) {
                Optional<ClusterStatus> status = status(node);
                if (status.isPresent() && done.test(status.get())) {
                    return status.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new CliFailure(ExitCodes.FAILURE, "timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            pause();
        }
    }

    Optional<ClusterStatus> status(URI node) {
        try {
            return Optional.of(probe.node(node).clusterStatus());
        } catch (LedgerClientException e) {
            return Optional.empty();
        }
    }

    static boolean isLeader(ClusterStatus status) {
        return status.role() != null && status.role().toUpperCase(Locale.ROOT).equals("LEADER");
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.FAILURE, "interrupted");
        }
    }
}
