package io.raftkit.bench;

import io.raftkit.core.RaftConfig;
import io.raftkit.core.RaftNode;
import io.raftkit.core.Ready;
import io.raftkit.core.Role;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Committed entries per second through three pure cores wired together in memory: no threads,
 * no I/O, storage that syncs at once. Measures the algorithm's own cost per entry.
 *
 * <pre>
 * ./mvnw -q -pl raft-bench -am package -DskipTests
 * java -jar raft-bench/target/benchmarks.jar CoreBench -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 * The score is committed entries per second (one operation = one entry committed on the leader
 * and applied on all three nodes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CoreBench {

    private static final int ROUNDS = 1024;

    @Param({"1", "64"})
    public int batch;

    private final Map<String, RaftNode> nodes = new LinkedHashMap<>();
    private final Map<String, InMemoryLogStorage> storages = new LinkedHashMap<>();
    private final ArrayDeque<Message> network = new ArrayDeque<>();
    private RaftNode leader;
    private List<byte[]> commands;
    private long applied;
    private long compactedTo;

    @Setup(Level.Iteration)
    public void setUp() {
        nodes.clear();
        storages.clear();
        compactedTo = 0;
        network.clear();
        ClusterConfig membership = ClusterConfig.of("n1", "n2", "n3");
        for (String id : List.of("n1", "n2", "n3")) {
            InMemoryLogStorage storage = new InMemoryLogStorage();
            RaftNode.bootstrap(storage, membership);
            storages.put(id, storage);
            nodes.put(id, new RaftNode(RaftConfig.defaults(id).withPreVote(false), storage, 0, new Random(id.hashCode())));
        }
        RaftNode n1 = nodes.get("n1");
        while (n1.role() != Role.CANDIDATE) {
            n1.tick();
        }
        drain();
        leader = n1;
        if (leader.role() != Role.LEADER) {
            throw new IllegalStateException("n1 was not elected");
        }
        commands = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            commands.add(new byte[100]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public long proposeAndCommit() {
        // ROUNDS entries per invocation, proposed `batch` at a time
        for (int done = 0; done < ROUNDS; done += batch) {
            leader.proposeBatch(commands);
            drain();
        }
        compactLogs();
        return applied;
    }

    /**
     * Keeps the in-memory logs from growing without bound (which would measure the garbage
     * collector, not Raft): drops what every node has applied, as a snapshot would.
     */
    private void compactLogs() {
        long upTo = leader.commitIndex() - 1024;
        if (upTo - compactedTo < 64 * 1024) {
            return;
        }
        for (Map.Entry<String, InMemoryLogStorage> e : storages.entrySet()) {
            RaftNode node = nodes.get(e.getKey());
            e.getValue().compact(new io.raftkit.spi.SnapshotMeta(upTo, node.termAt(upTo), node.clusterConfig()));
        }
        compactedTo = upTo;
    }

    /** Delivers every message and handles every Ready until all three nodes are quiet. */
    private void drain() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (Map.Entry<String, RaftNode> e : nodes.entrySet()) {
                RaftNode node = e.getValue();
                while (node.hasReady()) {
                    busy = true;
                    Ready rd = node.ready();
                    network.addAll(rd.messages());
                    if (rd.needsWrite()) {
                        storages.get(e.getKey()).append(rd.hardState(), rd.entries());
                    }
                    applied += rd.committedEntries().size();
                    node.advance(rd);
                    Entry last = rd.lastEntry();
                    for (Message m : rd.persistedMessages()) {
                        if (m.to().equals(node.nodeId())) {
                            node.step(m);
                        } else {
                            network.add(m);
                        }
                    }
                    if (last != null) {
                        node.persisted(last.index(), last.term());
                    }
                }
            }
            Message m;
            while ((m = network.poll()) != null) {
                busy = true;
                nodes.get(m.to()).step(m);
            }
        }
    }
}
