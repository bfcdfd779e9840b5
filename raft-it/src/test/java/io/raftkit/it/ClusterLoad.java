package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.server.RaftServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Clients writing to a {@link NettyCluster} while it changes: each client submits unique commands
 * one after another to the node it believes leads (any running node when none does). A command
 * refused with nothing done ({@link NotLeaderException}, {@link OverloadedException},
 * {@link ServerClosedException}) is retried, as a client would; one that fails with
 * {@link UnknownOutcomeException} is recorded as unknown and not retried (it may be applied);
 * any other failure is recorded as failed. {@link #verify} then checks every replica.
 */
final class ClusterLoad implements AutoCloseable {

    private final NettyCluster cluster;
    private final List<Thread> clients = new ArrayList<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Set<String> unknown = ConcurrentHashMap.newKeySet();
    private final List<Throwable> failed = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    ClusterLoad(NettyCluster cluster, int clientCount) {
        this.cluster = cluster;
        for (int c = 0; c < clientCount; c++) {
            int client = c;
            Thread t = new Thread(() -> run(client), "load-client-" + c);
            t.setDaemon(true);
            clients.add(t);
        }
        clients.forEach(Thread::start);
    }

    private void run(int client) {
        long seq = 0;
        while (running) {
            String command = "w-" + client + "-" + seq++;
            while (running) {
                RaftServer target = pickLeader();
                if (target == null) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // no node up: retry shortly
                    continue;
                }
                try {
                    target.submit(command.getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
                    acked.add(command);
                    break;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof UnknownOutcomeException) {
                        unknown.add(command);
                        break;
                    }
                    if (!(cause instanceof NotLeaderException || cause instanceof OverloadedException
                            || cause instanceof ServerClosedException)) {
                        failed.add(cause);
                        break;
                    }
                    // nothing was done: retry the same command
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                } catch (Exception e) {
                    failed.add(e);
                    break;
                }
            }
        }
    }

    private RaftServer pickLeader() {
        List<RaftServer> up = new ArrayList<>();
        for (RaftServer s : cluster.servers.values()) {
            if (s.status().running()) {
                if (s.status().isLeader()) {
                    return s;
                }
                up.add(s);
            }
        }
        return up.isEmpty() ? null : up.get((int) (System.nanoTime() % up.size()));
    }

    /** Waits until at least {@code n} more writes were acknowledged. */
    void awaitMoreAcks(int n) {
        int target = acked.size() + n;
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() >= target);
    }

    int acked() {
        return acked.size();
    }

    int unknown() {
        return unknown.size();
    }

    /** Stops the clients and waits for them. */
    @Override
    public void close() {
        running = false;
        for (Thread t : clients) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(40));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * After {@link #close}: every replica in {@code replicas} ends with the same commands, each at
     * most once; every acknowledged write is there; nothing is there that was not submitted; no
     * write failed except with an unknown outcome.
     */
    void verify(Collection<String> replicas) {
        assertThat(failed).as("writes that failed other than with an unknown outcome").isEmpty();
        RaftServer leader = cluster.awaitLeader(List.copyOf(replicas));
        // a last write through the final leader: once a replica has it, it has everything before it
        String barrier = "barrier-" + System.nanoTime();
        leader.submit(barrier.getBytes(UTF_8)).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream()
                .allMatch(id -> cluster.machine(id).applied().contains(barrier)));
        List<String> reference = cluster.machine(leader.nodeId()).applied();
        for (String id : replicas) {
            List<String> applied = cluster.machine(id).applied();
            assertThat(applied).as("replica %s applies what the leader applied, in order", id).isEqualTo(reference);
            assertThat(new HashSet<>(applied)).as("no command applied twice on %s", id).hasSameSizeAs(applied);
            assertThat(applied).as("every acknowledged write on %s", id).containsAll(acked);
        }
        Set<String> submitted = new HashSet<>(acked);
        submitted.addAll(unknown);
        submitted.add(barrier);
        assertThat(reference).as("nothing applied that was not submitted")
                .allMatch(c -> submitted.contains(c) || !c.startsWith("w-"));
    }
}
