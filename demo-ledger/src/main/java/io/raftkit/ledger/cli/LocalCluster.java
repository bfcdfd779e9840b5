package io.raftkit.ledger.cli;

import io.raftkit.ledger.HttpLimits;
import io.raftkit.ledger.LedgerNode;
import io.raftkit.ledger.LedgerNodeConfig;
import io.raftkit.ledger.LocalControls;
import io.raftkit.ledger.Member;
import io.raftkit.ledger.NetworkCut;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Several ledger nodes in this process, each with its own data directory under one root: the
 * local cluster and the demo. Nodes can be stopped and started again on the same data, and cut
 * off from each other through their transports: these are the dashboard's {@link LocalControls}.
 */
final class LocalCluster implements AutoCloseable, LocalControls {

    private final Path root;
    private final List<Member> members;
    private final boolean demoMode;
    private final Map<String, LedgerNode> running = new LinkedHashMap<>(); // guarded by this
    /**
     * The ids in {@code running}, readable without the lock: the dashboard of a node reads it while
     * another thread holds the lock to close that very node, which waits for the node's HTTP threads.
     */
    private volatile Set<String> runningIds = Set.of();
    private final NetworkCut cut = new NetworkCut();
    /** Runs the dashboard's actions one at a time, on no node's thread (a node may stop itself). */
    private final ExecutorService actions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ledger-local-controls");
        t.setDaemon(true);
        return t;
    });

    LocalCluster(Path root, List<Member> members, boolean demoMode) {
        this.root = root;
        this.members = List.copyOf(members);
        this.demoMode = demoMode;
    }

    /** Members n1..nN on 127.0.0.1, Raft ports from {@code raftBase}, HTTP ports from {@code httpBase}. */
    static List<Member> members(int nodes, int raftBase, int httpBase) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            members.add(new Member("n" + (i + 1), new InetSocketAddress("127.0.0.1", raftBase + i),
                    new InetSocketAddress("127.0.0.1", httpBase + i)));
        }
        return members;
    }

    /** The member list in the {@code --cluster} form ({@code n1=host:port/host:port,...}). */
    static String describe(List<Member> members) {
        StringBuilder text = new StringBuilder();
        for (Member m : members) {
            if (text.length() > 0) {
                text.append(',');
            }
            text.append(m.id()).append('=').append(hostPort(m.raftAddress())).append('/').append(hostPort(m.httpAddress()));
        }
        return text.toString();
    }

    static String hostPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    static URI url(Member member) {
        return URI.create("http://" + hostPort(member.httpAddress()));
    }

    List<Member> members() {
        return members;
    }

    List<URI> urls() {
        return members.stream().map(LocalCluster::url).toList();
    }

    Path dataDir(String id) {
        return root.resolve(id);
    }

    void startAll() {
        for (Member m : members) {
            startNode(m.id());
        }
    }

    /** Starts (or restarts, on its existing data and ports) one member. */
    synchronized LedgerNode startNode(String id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException(id + " is already running");
        }
        LedgerNode node = NodeStarter.start(new LedgerNodeConfig(id, dataDir(id), members, HttpLimits.defaults(),
                demoMode), this);
        running.put(id, node);
        runningIds = Set.copyOf(running.keySet());
        return node;
    }

    /** Stops one member, freeing its ports and its data directory's locks; its data stays. */
    synchronized void stopNode(String id) {
        LedgerNode node = running.remove(id);
        runningIds = Set.copyOf(running.keySet());
        if (node != null) {
            node.close();
        }
    }

    synchronized List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    // ---------------------------------------------------------------- the dashboard's controls

    @Override
    public CompletableFuture<Void> stop(String nodeId) {
        try {
            // refused at once where it can be, so that a node asked to stop itself can say why not
            // before it answers that it is stopping; checked again when the action runs
            // (without the lock: the caller may be a thread of a node the lock holder is closing)
            checkStoppable(nodeId, runningIds);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return act(() -> {
            synchronized (this) {
                checkStoppable(nodeId, running.keySet());
                stopNode(nodeId);
            }
        });
    }

    private void checkStoppable(String nodeId, Set<String> up) {
        requireMember(nodeId);
        if (!up.contains(nodeId)) {
            throw new IllegalStateException(nodeId + " is already stopped");
        }
        if (up.size() == 1) {
            throw new IllegalStateException(nodeId + " is the last running node: the dashboard needs one to talk to");
        }
    }

    @Override
    public CompletableFuture<Void> start(String nodeId) {
        return act(() -> {
            requireMember(nodeId);
            startNode(nodeId);
        });
    }

    @Override
    public CompletableFuture<Void> isolate(String nodeId) {
        return act(() -> {
            requireMember(nodeId);
            cut.isolate(nodeId);
        });
    }

    @Override
    public CompletableFuture<Void> heal(String nodeId) {
        return act(() -> {
            requireMember(nodeId);
            cut.heal(nodeId);
        });
    }

    @Override
    public Set<String> stopped() {
        Set<String> up = runningIds;
        Set<String> stopped = new TreeSet<>();
        for (Member m : members) {
            if (!up.contains(m.id())) {
                stopped.add(m.id());
            }
        }
        return stopped;
    }

    @Override
    public Set<String> isolated() {
        return cut.isolated();
    }

    @Override
    public NetworkCut networkCut() {
        return cut;
    }

    private CompletableFuture<Void> act(Runnable action) {
        try {
            return CompletableFuture.runAsync(action, actions);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the local cluster is stopping"));
        }
    }

    private void requireMember(String nodeId) {
        if (members.stream().noneMatch(m -> m.id().equals(nodeId))) {
            throw new IllegalArgumentException("no member " + nodeId);
        }
    }

    @Override
    public void close() {
        actions.shutdown();
        try {
            // an action in progress (a node starting) finishes first, so no node is left behind
            actions.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeNodes();
    }

    private synchronized void closeNodes() {
        RuntimeException first = null;
        for (LedgerNode node : running.values()) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        running.clear();
        runningIds = Set.of();
        if (first != null) {
            throw first;
        }
    }
}
