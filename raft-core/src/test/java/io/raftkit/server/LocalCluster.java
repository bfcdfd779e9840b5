package io.raftkit.server;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.raftkit.memory.InMemoryLogStorage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** n RaftServers in this JVM on a {@link TestNetwork}, with in-memory storage and short timeouts. */
final class LocalCluster implements AutoCloseable {

    static final ServerConfig FAST = ServerConfig.defaults()
            .withTick(Duration.ofMillis(5))
            .withTimeouts(Duration.ofMillis(150), Duration.ofMillis(25))
            .withRequestTimeout(Duration.ofSeconds(5));

    final TestNetwork network = new TestNetwork();
    final Map<String, RaftServer> servers = new LinkedHashMap<>();
    final Map<String, InMemoryLogStorage> storages = new LinkedHashMap<>();
    final Map<String, CountingStateMachine> machines = new LinkedHashMap<>();
    final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    private final UnaryOperator<ServerConfig> tweak;
    MeterRegistry registry;
    /** Forwarding, leases, stepping away when sick. */
    ServingConfig serving = ServingConfig.defaults();
    /** Wraps each node's storage before the server gets it (e.g. to count writes). */
    java.util.function.BiFunction<String, io.raftkit.spi.LogStorage, io.raftkit.spi.LogStorage> wrapStorage = (id, s) -> s;
    /** Last changes to each node's builder (e.g. listeners, a callback executor). */
    java.util.function.BiConsumer<String, RaftServer.Builder> customize = (id, b) -> { };

    LocalCluster(int n) {
        this(n, c -> c);
    }

    LocalCluster(int n, UnaryOperator<ServerConfig> tweak) {
        this.tweak = tweak;
        for (int i = 1; i <= n; i++) {
            members.put("n" + i, new InetSocketAddress("127.0.0.1", 7000 + i));
        }
    }

    LocalCluster startAll() {
        return startAll(CountingStateMachine::new);
    }

    LocalCluster startAll(java.util.function.Supplier<CountingStateMachine> machines) {
        for (String id : members.keySet()) {
            start(id, new InMemoryLogStorage(), machines.get());
        }
        return this;
    }

    RaftServer start(String id, InMemoryLogStorage storage, CountingStateMachine sm) {
        RaftServer.Builder b = RaftServer.builder()
                .nodeId(id)
                .members(members)
                .transport(network.transport(id))
                .logStorage(wrapStorage.apply(id, storage))
                .stateMachine(sm)
                .config(tweak.apply(FAST))
                .serving(serving)
                .meterRegistry(registry);
        customize.accept(id, b);
        RaftServer s = b.build().start();
        servers.put(id, s);
        storages.put(id, storage);
        machines.put(id, sm);
        return s;
    }

    /** Stops a node and starts it again on what its storage had made durable. */
    RaftServer restart(String id, CountingStateMachine sm) {
        servers.get(id).close();
        return start(id, storages.get(id).crash(null), sm);
    }

    RaftServer server(String id) {
        return servers.get(id);
    }

    CountingStateMachine machine(String id) {
        return machines.get(id);
    }

    /** Waits until exactly one running, non-isolated server is leader and the others know it. */
    RaftServer awaitLeader() {
        return awaitLeader(List.copyOf(servers.keySet()));
    }

    RaftServer awaitLeader(List<String> among) {
        RaftServer[] found = new RaftServer[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            RaftServer leader = null;
            for (String id : among) {
                RaftServer s = servers.get(id);
                if (s.status().running() && s.status().isLeader()) {
                    if (leader != null && leader.status().term() == s.status().term()) {
                        return false;
                    }
                    if (leader == null || s.status().term() > leader.status().term()) {
                        leader = s;
                    }
                }
            }
            if (leader == null) {
                return false;
            }
            for (String id : among) {
                if (!leader.nodeId().equals(servers.get(id).status().leaderId())) {
                    return false;
                }
            }
            found[0] = leader;
            return true;
        });
        return found[0];
    }

    @Override
    public void close() {
        for (RaftServer s : servers.values()) {
            s.close();
        }
    }
}
