package peerbench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** Load spread over every replica of a single-JVM cluster: each submit goes to the next one in turn. */
final class RoundRobinReplica implements RaftSystemAdapter.Replica {

    private final List<RaftSystemAdapter.Replica> replicas;
    private final AtomicInteger next = new AtomicInteger();

    RoundRobinReplica(List<RaftSystemAdapter.Replica> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    @Override
    public boolean isLeader() {
        return replicas.stream().anyMatch(RaftSystemAdapter.Replica::isLeader);
    }

    @Override
    public CompletableFuture<?> submit(byte[] command) {
        return replicas.get(Math.floorMod(next.getAndIncrement(), replicas.size())).submit(command);
    }

    @Override
    public long appliedCount() {
        return replicas.get(0).appliedCount();
    }

    @Override
    public Map<String, Object> effectiveConfig() {
        return replicas.get(0).effectiveConfig();
    }

    @Override
    public void close() {
        // the replicas are closed by whoever started them
    }
}
