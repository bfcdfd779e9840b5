package io.raftkit.bench;

import io.raftkit.server.RaftServer;
import io.raftkit.server.ReadConsistency;
import io.raftkit.server.ServerConfig;
import io.raftkit.server.ServingConfig;
import io.raftkit.spi.StateMachine;
import io.raftkit.storage.rocksdb.RocksDbLogStorage;
import io.raftkit.storage.rocksdb.RocksDbLogStorageConfig;
import io.raftkit.transport.netty.NettyTransport;
import io.raftkit.transport.netty.NettyTransportConfig;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import peerbench.ClusterSpec;
import peerbench.CountingStateMachineCore;
import peerbench.RaftSystemAdapter;

/**
 * raftkit in the peer harness: a {@link RaftServer} with the Netty transport on
 * {@code spec.port(self)}, a {@link RocksDbLogStorage} with sync on (its durable default) in
 * {@code spec.dataDir(self)}, and a state machine that counts. {@code submit} is
 * {@link RaftServer#submit} on the leader, in-process.
 *
 * <p>Options (--opt): raftkit.maxBatchEntries, raftkit.maxPendingRequests (default: the harness's
 * max in flight + 1024, as the harness does for Ratis), raftkit.sync (default true),
 * raftkit.ioThreads (Netty event loop threads, default the transport's), raftkit.op: what one
 * "submit" of the harness does: {@code write} (default, {@link RaftServer#submit}),
 * {@code read-linearizable}, {@code read-lease}, {@code read-local} ({@link RaftServer#query} with that
 * {@link ReadConsistency}), raftkit.forwarding (default true).
 */
public final class RaftkitAdapter implements RaftSystemAdapter {

    private static final byte[] EMPTY = new byte[0];

    @Override
    public String name() {
        return "raftkit";
    }

    @Override
    public Replica startReplica(ClusterSpec spec, int self) throws Exception {
        Map<String, InetSocketAddress> members = new LinkedHashMap<>();
        for (int i = 0; i < spec.size(); i++) {
            members.put("n" + i, new InetSocketAddress(spec.host(i), spec.port(i)));
        }
        String id = "n" + self;
        NettyTransportConfig.Builder tb = NettyTransportConfig.builder();
        String v;
        if ((v = spec.options().get("raftkit.ioThreads")) != null) {
            tb.ioThreads(Integer.parseInt(v));
        }
        NettyTransportConfig tcfg = tb.build();
        NettyTransport transport = new NettyTransport(tcfg);
        Path dir = spec.dataDir(self);
        Files.createDirectories(dir);
        RocksDbLogStorageConfig scfg = RocksDbLogStorageConfig.defaults()
                .withSync(Boolean.parseBoolean(spec.opt("raftkit.sync", "true")));
        RocksDbLogStorage storage = RocksDbLogStorage.open(dir.resolve("log"), scfg);
        ServerConfig cfg = ServerConfig.defaults()
                .withMaxPendingRequests(Integer.parseInt(spec.opt("raftkit.maxPendingRequests",
                        String.valueOf(Math.max(65_536, spec.maxInFlight() + 1024)))));
        if ((v = spec.options().get("raftkit.maxBatchEntries")) != null) {
            cfg = cfg.withMaxBatchEntries(Integer.parseInt(v));
        }
        CountingStateMachineCore core = new CountingStateMachineCore();
        StateMachine sm = new StateMachine() {
            @Override
            public byte[] apply(long index, byte[] command) {
                core.apply(command);
                return EMPTY;
            }

            @Override
            public byte[] query(byte[] query) {
                return ByteBuffer.allocate(8).putLong(core.applied()).array();
            }
        };
        String op = spec.opt("raftkit.op", "write");
        ReadConsistency reads = switch (op) {
            case "write" -> null;
            case "read-linearizable" -> ReadConsistency.LINEARIZABLE;
            case "read-lease" -> ReadConsistency.LEASE;
            case "read-local" -> ReadConsistency.LOCAL;
            default -> throw new IllegalArgumentException("raftkit.op must be write, read-linearizable, read-lease"
                    + " or read-local, was " + op);
        };
        ServingConfig serving = ServingConfig.defaults()
                .withForwarding(Boolean.parseBoolean(spec.opt("raftkit.forwarding", "true")));
        RaftServer server = RaftServer.builder()
                .nodeId(id)
                .clusterName("peer-bench")
                .members(members)
                .transport(transport)
                .logStorage(storage)
                .stateMachine(sm)
                .config(cfg)
                .serving(serving)
                .build()
                .start();
        return new RaftkitReplica(server, core, cfg, scfg, tcfg, transport, reads);
    }

    static final class RaftkitReplica implements Replica {
        private final RaftServer server;
        private final CountingStateMachineCore core;
        private final ServerConfig cfg;
        private final RocksDbLogStorageConfig scfg;
        private final NettyTransportConfig tcfg;
        private final NettyTransport transport;
        /** Null: the harness's submits are writes; else reads of this consistency. */
        private final ReadConsistency reads;

        RaftkitReplica(RaftServer server, CountingStateMachineCore core, ServerConfig cfg,
                       RocksDbLogStorageConfig scfg, NettyTransportConfig tcfg, NettyTransport transport,
                       ReadConsistency reads) {
            this.reads = reads;
            this.server = server;
            this.core = core;
            this.cfg = cfg;
            this.scfg = scfg;
            this.tcfg = tcfg;
            this.transport = transport;
        }

        /** Leader, and it has committed an entry of its term (a ReadIndex read succeeds only then). */
        @Override
        public boolean isLeader() {
            if (!server.status().isLeader()) {
                return false;
            }
            try {
                server.query(EMPTY).get(1, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        }

        @Override
        public CompletableFuture<?> submit(byte[] command) {
            return reads == null ? server.submit(command) : server.query(command, reads);
        }

        @Override
        public long appliedCount() {
            return core.applied();
        }

        @Override
        public Map<String, Object> effectiveConfig() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", "raftkit " + peerbench.Versions.of("io.raftkit", "raft-core"));
            m.put("rpc", "raft-transport-netty (" + transport.ioType() + ", ioThreads " + tcfg.ioThreads() + ")");
            m.put("log", "RocksDbLogStorage, rocksdbjni " + peerbench.Versions.of("org.rocksdb", "rocksdbjni"));
            m.put("storage.sync", scfg.sync());
            m.put("storage.maxBatchBytes", scfg.maxBatchBytes());
            m.put("server.tick", cfg.tick().toString());
            m.put("server.electionTimeout", cfg.electionTimeout().toString());
            m.put("server.heartbeatInterval", cfg.heartbeatInterval().toString());
            m.put("server.maxBatchEntries", cfg.maxBatchEntries());
            m.put("server.maxAppendBytes", cfg.maxAppendBytes());
            m.put("server.maxInflightAppends", cfg.maxInflightAppends());
            m.put("server.maxPendingRequests", cfg.maxPendingRequests());
            m.put("snapshots", "none");
            m.put("op", reads == null ? "write: RaftServer.submit" : "read: RaftServer.query " + reads);
            m.put("forwarding", server.serving().forwarding());
            m.put("submit", "in-process on the node the harness targets; future completed on the raft-callback thread");
            return m;
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
