package io.raftkit.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.server.RaftServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownClusterTest {

    @TempDir
    Path dir;

    @Test
    void closingEveryNodeLeavesNoThreadsAndNoPortsBehind() throws Exception {
        NettyCluster c = new NettyCluster(3, dir).startAll();
        RaftServer leader = c.awaitLeader();
        for (int i = 0; i < 100; i++) {
            leader.submit(("x" + i).getBytes(UTF_8)).get(5, TimeUnit.SECONDS);
        }
        c.close();
        c.close(); // idempotent

        await().atMost(Duration.ofSeconds(10)).until(() -> leftoverThreads().isEmpty());
        for (InetSocketAddress address : c.members.values()) {
            try (ServerSocket s = new ServerSocket()) {
                s.bind(address); // throws if the port is still held
            } catch (IOException e) {
                throw new AssertionError("port " + address + " is still in use after close", e);
            }
        }
        // the data directories can be opened again: the log storage released its lock
        NettyCluster again = new NettyCluster(0, dir);
        again.members.putAll(c.members);
        try (again) {
            for (String id : c.members.keySet()) {
                again.start(id);
            }
            RaftServer l = again.awaitLeader();
            await().atMost(Duration.ofSeconds(10)).until(() -> again.machine(l.nodeId()).size() == 100);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> leftoverThreads().isEmpty());
    }

    static List<String> leftoverThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String n = t.getName();
            if (t.isAlive() && (n.startsWith("raft-loop-") || n.startsWith("raft-apply-")
                    || n.startsWith("raft-timer-") || n.startsWith("raft-callback-") || n.startsWith("raft-notify-")
                    || n.startsWith("raftkit-netty-") || n.startsWith("raftkit-storage-"))) {
                names.add(n);
            }
        }
        return names;
    }
}
