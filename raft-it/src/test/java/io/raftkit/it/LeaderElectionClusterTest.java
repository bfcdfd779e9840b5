package io.raftkit.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.Role;
import io.raftkit.server.RaftServer;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LeaderElectionClusterTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void exactlyOneLeaderIsElectedAndEveryNodeKnowsIt(int n) {
        try (NettyCluster c = new NettyCluster(n, dir).startAll()) {
            RaftServer leader = c.awaitLeader();
            long term = leader.status().term();
            assertThat(term).isPositive();
            for (RaftServer s : c.servers.values()) {
                assertThat(s.status().leaderId()).isEqualTo(leader.nodeId());
                assertThat(s.status().term()).isEqualTo(term);
                if (s != leader) {
                    assertThat(s.status().role()).isEqualTo(Role.FOLLOWER);
                }
            }
        }
    }
}
