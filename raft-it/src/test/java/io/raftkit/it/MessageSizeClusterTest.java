package io.raftkit.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerConfig;
import io.raftkit.spi.Entry;
import io.raftkit.transport.netty.NettyTransport;
import io.raftkit.transport.netty.NettyTransportConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** maxAppendBytes against the Netty transport's frame limit, over real sockets. */
class MessageSizeClusterTest {

    private static final int FRAME = 256 << 10;

    @TempDir
    Path dir;

    @Test
    void aServerWhoseLargestAppendCouldNotCrossTheTransportRefusesToStart() {
        NettyTransportConfig smallFrames = NettyTransportConfig.builder().maxFrameBytes(FRAME).build();
        // maxAppendBytes left at its default, 1 MiB: a 1 MiB command could never be sent.
        try (NettyCluster c = new NettyCluster(3, dir, NettyCluster.CONFIG, smallFrames)) {
            assertThatThrownBy(() -> c.start("n1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("maxAppendBytes (" + (1 << 20) + ")")
                    .hasMessageContaining("maxFrameBytes");
        }
    }

    @Test
    void aCommandOfTheLargestSizeTheTransportCarriesReplicatesAndCommandsBehindItCommit() throws Exception {
        long carried = new NettyTransport(NettyTransportConfig.builder().maxFrameBytes(FRAME).build()).maxMessageBytes();
        ServerConfig config = NettyCluster.CONFIG.withMaxAppendBytes(carried - Entry.OVERHEAD_BYTES);
        try (NettyCluster c = new NettyCluster(3, dir, config,
                NettyTransportConfig.builder().maxFrameBytes(FRAME).build()).startAll()) {
            RaftServer leader = c.awaitLeader();
            byte[] big = new byte[(int) config.maxAppendBytes()]; // the largest command submit accepts
            Random random = new Random(1);
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) ('a' + random.nextInt(26)); // text: the state machine records strings
            }
            List<CompletableFuture<byte[]>> behind = new ArrayList<>();
            CompletableFuture<byte[]> first = leader.submit(big);
            for (int i = 0; i < 200; i++) {
                behind.add(leader.submit(("small-" + i).getBytes(StandardCharsets.US_ASCII)));
            }

            first.get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(behind.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    c.machines.values().stream().allMatch(m -> m.size() == 201));
            for (RecordingStateMachine m : c.machines.values()) {
                assertThat(m.applied().get(0)).isEqualTo(new String(big, StandardCharsets.US_ASCII));
            }
        }
    }
}
