package io.raftkit.it;

import static org.awaitility.Awaitility.await;

import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerConfig;
import io.raftkit.snapshot.FileSnapshotStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.storage.rocksdb.RocksDbLogStorage;
import io.raftkit.transport.netty.NettyTransport;
import io.raftkit.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real cluster in this JVM: one {@link RaftServer} per node with a {@link NettyTransport} on
 * 127.0.0.1 and a {@link RocksDbLogStorage} in its own directory. Nodes can be stopped,
 * restarted on their data, and partitioned (messages between groups are dropped).
 */
final class NettyCluster implements AutoCloseable {

    static final ServerConfig CONFIG = ServerConfig.defaults()
            .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(50))
            .withRequestTimeout(Duration.ofSeconds(5));

    final Map<String, InetSocketAddress> members = new LinkedHashMap<>();
    /** Nodes started later to join the running cluster ({@link #join}), with their addresses. */
    final Map<String, InetSocketAddress> joined = new ConcurrentHashMap<>();
    /** The cluster id a joining node is given: the founding nodes'. */
    private volatile String clusterId;
    final Map<String, RaftServer> servers = new ConcurrentHashMap<>();
    final Map<String, RecordingStateMachine> machines = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> blocked = new ConcurrentHashMap<>();
    private final Path dataRoot;
    private final ServerConfig config;
    private final NettyTransportConfig transportConfig;
    private final boolean snapshots;
    final Map<String, SimpleMeterRegistry> registries = new ConcurrentHashMap<>();
    /** Forwarding, leases, stepping away when sick. */
    io.raftkit.server.ServingConfig serving = io.raftkit.server.ServingConfig.defaults();
    /** Wraps each node's log storage before its server gets it (e.g. to stall its writes). */
    java.util.function.BiFunction<String, io.raftkit.spi.LogStorage, io.raftkit.spi.LogStorage> wrapStorage = (id, s) -> s;

    NettyCluster(int n, Path dataRoot) {
        this(n, dataRoot, CONFIG, NettyTransportConfig.defaults());
    }

    NettyCluster(int n, Path dataRoot, ServerConfig config, NettyTransportConfig transportConfig) {
        this(n, dataRoot, config, transportConfig, false);
    }

    /**
     * @param snapshots whether each node keeps snapshots in a {@link FileSnapshotStore} beside its
     *                  log (and so compacts its log)
     */
    NettyCluster(int n, Path dataRoot, ServerConfig config, NettyTransportConfig transportConfig, boolean snapshots) {
        this.snapshots = snapshots;
        this.dataRoot = dataRoot;
        this.config = config;
        this.transportConfig = transportConfig;
        int[] ports = freePorts(n);
        for (int i = 1; i <= n; i++) {
            String id = "n" + i;
            members.put(id, new InetSocketAddress("127.0.0.1", ports[i - 1]));
            blocked.put(id, ConcurrentHashMap.newKeySet());
        }
    }

    /** n distinct free ports: all sockets stay open until every port is chosen. */
    static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Starts every node; if one fails to start, stops those already started. */
    NettyCluster startAll() {
        try {
            members.keySet().forEach(id -> start(id));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * Starts a new node, on a free port and an empty data directory, that joins the running cluster
     * (it is not a member until a leader adds it); it knows every node started so far.
     */
    RaftServer join(String id) {
        if (clusterId == null) {
            clusterId = servers.values().iterator().next().clusterId();
        }
        joined.put(id, new InetSocketAddress("127.0.0.1", freePorts(1)[0]));
        blocked.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet());
        return start(id);
    }

    /** The Raft address of a founding or joined node. */
    InetSocketAddress address(String id) {
        InetSocketAddress a = members.get(id);
        return a != null ? a : joined.get(id);
    }

    /** Starts (or restarts) a node on its data directory, with a fresh in-memory state machine. */
    RaftServer start(String id) {
        NettyTransport netty = new NettyTransport(transportConfig);
        RocksDbLogStorage storage = RocksDbLogStorage.open(dataRoot.resolve(id));
        RecordingStateMachine sm = new RecordingStateMachine();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RaftServer.Builder builder = RaftServer.builder();
        if (snapshots) {
            try {
                builder.snapshotStore(FileSnapshotStore.open(snapshotDir(id)));
            } catch (IOException e) {
                storage.close();
                throw new UncheckedIOException(e);
            }
        }
        if (joined.containsKey(id)) {
            Map<String, InetSocketAddress> known = new LinkedHashMap<>(members);
            known.putAll(joined);
            builder.members(known).join(clusterId);
        } else {
            builder.members(members);
        }
        RaftServer server = builder
                .nodeId(id)
                .clusterName("it")
                .transport(new PartitionableTransport(netty, blocked.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())))
                .logStorage(wrapStorage.apply(id, storage))
                .stateMachine(sm)
                .config(config)
                .meterRegistry(registry)
                .serving(serving)
                .build()
                .start();
        servers.put(id, server);
        registries.put(id, registry);
        machines.put(id, sm);
        return server;
    }

    Path snapshotDir(String id) {
        return dataRoot.resolve(id + "-snapshots");
    }

    /** A counter's count on a node, 0 if it was never registered. */
    double counter(String id, String name) {
        var c = registries.get(id).find(name).counter();
        return c == null ? 0 : c.count();
    }

    void stop(String id) {
        RaftServer s = servers.remove(id);
        if (s != null) {
            s.close();
        }
    }

    RaftServer server(String id) {
        return servers.get(id);
    }

    RecordingStateMachine machine(String id) {
        return machines.get(id);
    }

    /** Cuts the cluster into {@code side} and everybody else. */
    void partition(Set<String> side) {
        Set<String> all = new java.util.TreeSet<>(members.keySet());
        all.addAll(joined.keySet());
        for (String a : all) {
            for (String b : all) {
                if (side.contains(a) != side.contains(b)) {
                    blocked.get(a).add(b);
                }
            }
        }
    }

    void heal() {
        blocked.values().forEach(Set::clear);
    }

    /** Waits until one running server among {@code among} leads and all of them know it. */
    RaftServer awaitLeader(List<String> among) {
        RaftServer[] found = new RaftServer[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            RaftServer leader = null;
            for (String id : among) {
                RaftServer s = servers.get(id);
                if (s != null && s.status().isLeader()) {
                    if (leader != null) {
                        return false;
                    }
                    leader = s;
                }
            }
            if (leader == null) {
                return false;
            }
            for (String id : among) {
                RaftServer s = servers.get(id);
                if (s == null || !leader.nodeId().equals(s.status().leaderId())) {
                    return false;
                }
            }
            found[0] = leader;
            return true;
        });
        return found[0];
    }

    RaftServer awaitLeader() {
        return awaitLeader(new ArrayList<>(servers.keySet()));
    }

    List<String> others(String id) {
        return members.keySet().stream().filter(x -> !x.equals(id)).toList();
    }

    @Override
    public void close() {
        for (String id : new ArrayList<>(servers.keySet())) {
            stop(id);
        }
    }
}
