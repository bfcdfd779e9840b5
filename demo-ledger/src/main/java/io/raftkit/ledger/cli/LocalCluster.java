package io.raftkit.ledger.cli;

import io.raftkit.ledger.HttpLimits;
import io.raftkit.ledger.LedgerNode;
import io.raftkit.ledger.LedgerNodeConfig;
import io.raftkit.ledger.Member;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several ledger nodes in this process, each with its own data directory under one root: the
 * local cluster and the demo. Nodes can be stopped and started again on the same data.
 */
final class LocalCluster implements AutoCloseable {

    private final Path root;
    private final List<Member> members;
    private final boolean demoMode;
    private final Map<String, LedgerNode> running = new LinkedHashMap<>();

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
            start(m.id());
        }
    }

    /** Starts (or restarts, on its existing data) one member. */
    synchronized LedgerNode start(String id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException(id + " is already running");
        }
        LedgerNode node = NodeStarter.start(new LedgerNodeConfig(id, dataDir(id), members, HttpLimits.defaults(), demoMode));
        running.put(id, node);
        return node;
    }

    /** Stops one member, freeing its ports and its data directory's locks. */
    synchronized void stop(String id) {
        LedgerNode node = running.remove(id);
        if (node != null) {
            node.close();
        }
    }

    synchronized List<String> runningIds() {
        return List.copyOf(running.keySet());
    }

    @Override
    public synchronized void close() {
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
        if (first != null) {
            throw first;
        }
    }
}
