package io.raftkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Heartbeat;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the runtime does with bad peer input and with a member list that contradicts its storage. */
class PeerInputTest {

    @Test
    void aMalformedMessageIsDroppedAndCountedAndTheNodeKeepsServing() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (LocalCluster c = new LocalCluster(3)) {
            c.registry = registry;
            c.startAll();
            RaftServer leader = c.awaitLeader();
            String follower = c.servers.keySet().stream().filter(id -> !id.equals(leader.nodeId())).findFirst().orElseThrow();
            long term = leader.status().term();
            var wire = c.network.transport(leader.nodeId());
            // entries that do not start right after prevLogIndex: this used to stop the follower
            wire.send(new AppendRequest(leader.nodeId(), follower, term, 1, 0,
                    List.of(Entry.command(5, term, new byte[0])), 0));
            wire.send(new Heartbeat("n9", follower, term + 1, 0, 0));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    registry.find("raft.messages.invalid").tag("node", follower).counters().size() == 2);
            assertThat(registry.get("raft.messages.invalid").tag("node", follower).tag("kind", "append_request")
                    .tag("reason", "entries_not_contiguous").counter().count()).isEqualTo(1);
            assertThat(registry.get("raft.messages.invalid").tag("node", follower).tag("kind", "heartbeat")
                    .tag("reason", "not_a_member").counter().count()).isEqualTo(1);
            assertThat(leader.submit("after".getBytes(UTF_8)).get(5, TimeUnit.SECONDS)).isNotNull();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    c.server(follower).status().appliedIndex() >= leader.status().commitIndex());
            assertThat(c.server(follower).status().running()).isTrue();
            assertThat(c.server(follower).failure()).isNull();
        }
    }

    private static Map<String, InetSocketAddress> members(String... ids) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        int port = 7100;
        for (String id : ids) {
            out.put(id, new InetSocketAddress("127.0.0.1", port++));
        }
        return out;
    }

    private static RaftServer server(InMemoryLogStorage storage, Map<String, InetSocketAddress> members) {
        return RaftServer.builder()
                .nodeId("n1")
                .members(members)
                .transport(new TestNetwork().transport("n1"))
                .logStorage(storage)
                .stateMachine(new CountingStateMachine())
                .config(LocalCluster.FAST)
                .build();
    }

    @Test
    void aRestartWithOtherMembersFailsAndSaysWhatToDo() {
        InMemoryLogStorage storage = new InMemoryLogStorage();
        server(storage, members("n1", "n2", "n3")).start().close();

        RaftServer restarted = server(storage.crash(null), members("n1", "n2", "n4"));
        assertThatThrownBy(restarted::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[n1, n2, n3]")
                .hasMessageContaining("[n1, n2, n4]")
                .hasMessageContaining("Start it with the stored members, or wipe its data directory");
        restarted.close();
    }

    @Test
    void aRestartWithTheSameMembersInAnotherOrderStarts() {
        InMemoryLogStorage storage = new InMemoryLogStorage();
        server(storage, members("n1", "n2", "n3")).start().close();

        RaftServer restarted = server(storage.crash(null), members("n3", "n1", "n2")).start();
        assertThat(restarted.status().running()).isTrue();
        restarted.close();
    }
}
