package io.raftkit.ledger;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerConfig;
import io.raftkit.server.ServerStatus;
import io.raftkit.snapshot.FileSnapshotStore;
import io.raftkit.storage.rocksdb.RocksDbLogStorage;
import io.raftkit.storage.rocksdb.RocksDbLogStorageConfig;
import io.raftkit.transport.netty.NettyTransport;
import io.raftkit.transport.netty.NettyTransportConfig;
import io.raftkit.spi.Transport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ledger node: the Raft server (Netty transport, RocksDB log in {@code dataDir/raft}), the
 * ledger state machine ({@code dataDir/state}) and the HTTP API, with Prometheus metrics.
 *
 * <p>This is the one class that wires raftkit's {@link RaftServer}, transport and storage together.
 *
 * <p>{@link #close()} releases everything (ports, threads, RocksDB locks), so a node can be stopped
 * and started again on the same data directory in the same JVM: {@code LedgerNode.start(node.config())}.
 *
 * <p>Every node serves the dashboard ({@code GET /}); a node started with {@link LocalControls}
 * (the local demo, all nodes in one process) also offers its stop/start/isolate buttons, and its
 * transport obeys the controls' {@link NetworkCut}.
 */
public final class LedgerNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LedgerNode.class);
    private static final String CLUSTER_NAME = "raftkit-ledger";
    /** Leader changes kept for the dashboard's timeline. */
    private static final int TIMELINE_EVENTS = 50;
    /** Throughput and latency samples kept, one a second: the sparklines show two minutes. */
    private static final int SAMPLES = 120;
    /** How often each open dashboard stream gets this node's view. */
    private static final Duration EVENT_PERIOD = Duration.ofMillis(500);
    /** Dashboard streams open at once per node; a page opens one per member. */
    private static final int MAX_EVENT_STREAMS = 64;

    private final LedgerNodeConfig config;
    private final PrometheusMeterRegistry registry;
    private final LedgerStateMachine stateMachine;
    private final RaftServer server;
    private final LeaderForwarder forwarder;
    private final LedgerHttpServer http;
    private final ScheduledExecutorService sampler;
    private boolean closed; // guarded by this

    private LedgerNode(LedgerNodeConfig config, PrometheusMeterRegistry registry, LedgerStateMachine stateMachine,
                       RaftServer server, LeaderForwarder forwarder, LedgerHttpServer http,
                       ScheduledExecutorService sampler) {
        this.config = config;
        this.sampler = sampler;
        this.registry = registry;
        this.stateMachine = stateMachine;
        this.server = server;
        this.forwarder = forwarder;
        this.http = http;
    }

    /**
     * Starts a node: opens its state and log, joins the cluster, and serves HTTP on its member's
     * httpAddress. On failure everything already opened is closed again.
     */
    public static LedgerNode start(LedgerNodeConfig config) {
        return start(config, null);
    }

    /**
     * Starts a node of the local demo: like {@link #start(LedgerNodeConfig)}, and its dashboard offers
     * {@code controls} (stop, start, isolate, heal any member), and its transport drops the messages
     * that the controls' {@link NetworkCut} forbids.
     *
     * @param controls the controls of the cluster this node belongs to, all in this process; null for
     *                 a node started alone (the controls then answer 403)
     */
    public static LedgerNode start(LedgerNodeConfig config, LocalControls controls) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node", config.nodeId());
        LedgerStateMachine stateMachine = LedgerStateMachine.open(config.dataDir().resolve("state"), registry);
        RaftServer server = null;
        LeaderForwarder forwarder = null;
        ScheduledExecutorService sampler = null;
        try {
            Map<String, InetSocketAddress> raftMembers = new LinkedHashMap<>();
            for (Member m : config.members()) {
                raftMembers.put(m.id(), resolved(m.raftAddress()));
            }
            // the node's registry, so that /metrics also shows the transport (raft.transport.*)
            Transport transport = new NettyTransport(NettyTransportConfig.defaults(), registry);
            if (controls != null) {
                transport = new CuttableTransport(transport, controls.networkCut());
            }
            LeaderTimeline timeline = new LeaderTimeline(TIMELINE_EVENTS, Clock.systemUTC());
            RocksDbLogStorage logStorage = RocksDbLogStorage.open(config.dataDir().resolve("raft"),
                    RocksDbLogStorageConfig.defaults(), registry);
            FileSnapshotStore snapshots;
            try {
                // snapshots (RocksDB checkpoints of the state, streamed into one file) let the log be compacted
                snapshots = FileSnapshotStore.open(config.dataDir().resolve("snapshots"));
            } catch (IOException e) {
                logStorage.close();
                throw new UncheckedIOException("cannot open the snapshot store in " + config.dataDir().resolve("snapshots")
                        + ": " + e.getMessage(), e);
            }
            RaftServer.Builder builder = RaftServer.builder();
            if (config.joinClusterId() != null) {
                builder.join(config.joinClusterId()); // a new member: no bootstrap, the leader sends it the log
            }
            server = builder
                    .nodeId(config.nodeId())
                    .clusterName(CLUSTER_NAME)
                    .members(raftMembers)
                    .transport(transport)
                    .logStorage(logStorage)
                    .snapshotStore(snapshots)
                    .stateMachine(stateMachine)
                    .config(serverConfig(config))
                    .meterRegistry(registry)
                    .leaderListener(timeline)
                    .build()
                    .start();
            forwarder = new LeaderForwarder(config.nodeId(), Duration.ofSeconds(1));
            RaftServer s = server;
            MetricSamples samples = new MetricSamples(registry, () -> s.status().appliedIndex(), Clock.systemUTC(),
                    SAMPLES);
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ledger-samples-" + config.nodeId());
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(() -> sample(samples), 0, 1, TimeUnit.SECONDS);
            DashboardView view = new DashboardView(config, server, stateMachine, registry, timeline, samples, controls);
            LedgerApi api = new LedgerApi(config, server, stateMachine, forwarder, registry,
                    new DashboardRoutes(config, view, StaticFiles.load()));
            LedgerHttpServer http = LedgerHttpServer.start(config.nodeId(), resolved(config.self().httpAddress()),
                    config.http(), api, () -> s.status().leaderId(), registry,
                    new EventStream(view, EVENT_PERIOD, MAX_EVENT_STREAMS), CorsPolicy.forMembers(config.members()));
            log.info("ledger node {} serving HTTP on {}", config.nodeId(), http.address());
            return new LedgerNode(config, registry, stateMachine, server, forwarder, http, sampler);
        } catch (RuntimeException e) {
            if (sampler != null) {
                sampler.shutdownNow();
            }
            if (forwarder != null) {
                forwarder.close();
            }
            if (server != null) {
                server.close();
            }
            stateMachine.close();
            registry.close();
            throw e;
        }
    }

    private static void sample(MetricSamples samples) {
        try {
            samples.sample();
        } catch (RuntimeException e) {
            // a failed sample leaves a gap in a sparkline; it must not stop the next ones
            log.debug("dashboard sample failed: {}", e.toString());
        }
    }

    private static ServerConfig serverConfig(LedgerNodeConfig config) {
        ServerConfig sc = ServerConfig.defaults().withRequestTimeout(config.http().requestTimeout());
        if (config.demoMode()) {
            sc = sc.withTimeouts(Duration.ofMillis(300), Duration.ofMillis(50));
        }
        return sc;
    }

    private static InetSocketAddress resolved(InetSocketAddress a) {
        return a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
    }

    /** This node's id. */
    public String id() {
        return config.nodeId();
    }

    /** The address the HTTP API listens on. */
    public InetSocketAddress httpAddress() {
        return http.address();
    }

    /** The configuration it was started with: {@code LedgerNode.start(node.config())} restarts it. */
    public LedgerNodeConfig config() {
        return config;
    }

    /** The Raft server's role, term, leader, commit and applied index. */
    public ServerStatus status() {
        return server.status();
    }

    /** Stops serving HTTP, stops the Raft server, closes the state; frees ports and RocksDB locks. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        http.close();
        sampler.shutdownNow();
        forwarder.close();
        server.close();
        stateMachine.close();
        registry.close();
        log.info("ledger node {} closed", config.nodeId());
    }
}
