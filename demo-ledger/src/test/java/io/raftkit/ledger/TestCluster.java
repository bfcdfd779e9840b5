package io.raftkit.ledger;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Three ledger nodes in this JVM on free 127.0.0.1 ports, in demo mode (fast elections). */
final class TestCluster implements AutoCloseable {

    final List<Member> members;
    final LedgerNode[] nodes;
    private final Path dir;
    private final HttpLimits limits;

    TestCluster(Path dir, int size, HttpLimits limits) {
        this.dir = dir;
        this.limits = limits;
        List<Member> ms = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            ms.add(new Member("n" + i, new InetSocketAddress("127.0.0.1", freePort()),
                    new InetSocketAddress("127.0.0.1", freePort())));
        }
        this.members = List.copyOf(ms);
        this.nodes = new LedgerNode[size];
        for (int i = 0; i < size; i++) {
            nodes[i] = LedgerNode.start(config(i));
        }
    }

    LedgerNodeConfig config(int i) {
        return new LedgerNodeConfig(members.get(i).id(), dir.resolve(members.get(i).id()), members, limits, true);
    }

    /** Waits until every running node knows the same leader; returns its position. */
    int awaitLeader() {
        int[] leader = {-1};
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String id = null;
            for (LedgerNode n : nodes) {
                if (n == null) {
                    continue;
                }
                String l = n.status().leaderId();
                if (l == null || (id != null && !id.equals(l))) {
                    return false;
                }
                id = l;
            }
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && nodes[i].id().equals(id) && nodes[i].status().isLeader()) {
                    leader[0] = i;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    int aFollower(int leader) {
        for (int i = 0; i < nodes.length; i++) {
            if (i != leader && nodes[i] != null) {
                return i;
            }
        }
        throw new IllegalStateException("no follower");
    }

    String url(int i) {
        InetSocketAddress a = members.get(i).httpAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }

    void stop(int i) {
        nodes[i].close();
        nodes[i] = null;
    }

    void restart(int i) {
        nodes[i] = LedgerNode.start(config(i));
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                nodes[i].close();
                nodes[i] = null;
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
