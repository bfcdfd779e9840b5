package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.transport.netty.proto.Frame;
import io.raftkit.transport.netty.proto.HelloReject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pipeline of a connection this node opens to n2: its side of the handshake. */
class DialledPipelineTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Channel> ready = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void openChannel() {
        NettyTransportConfig config = TestNodes.config().build();
        Pipelines pipelines = new Pipelines(config, TestNodes.context("n1", Map.of(
                "n1", TestNodes.loopback(1), "n2", TestNodes.loopback(2), "n3", TestNodes.loopback(3))),
                new TransportMetrics(registry, "n1", List.of("n2", "n3")),
                null, m -> { }, new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        channel = new EmbeddedChannel(pipelines.dialled("n2", TestNodes.loopback(2), new ClientHandshakeHandler.Listener() {
            @Override
            public void handshakeDone(Channel c) {
                ready.add(c);
            }

            @Override
            public void writable(Channel c) {
            }
        }));
    }

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void sendsItsHelloAtOnceAndIsReadyWhenTheRightPeerAnswers() {
        Frame hello = Frames.parse(channel.readOutbound());
        channel.writeInbound(Frames.buf(Frames.hello("n2")));

        assertThat(hello.getHello().getNodeId()).isEqualTo("n1");
        assertThat(hello.getHello().getClusterId()).isEqualTo(TestNodes.CLUSTER);
        assertThat(ready).containsExactly(channel);
    }

    @Test
    void anotherNodeAnsweringAtThePeersAddressIsRefused() {
        channel.writeInbound(Frames.buf(Frames.hello("n3")));

        assertRefused("unexpected_node");
    }

    @Test
    void peerOfAnotherClusterIsRefused() {
        channel.writeInbound(Frames.buf(Frames.hello(Handshake.PROTOCOL_VERSION, "other", "n2")));

        assertRefused("cluster_mismatch");
    }

    @Test
    void refusalByThePeerIsCounted() {
        channel.writeInbound(Frames.buf(Frames.of(Frame.newBuilder()
                .setHelloReject(HelloReject.newBuilder().setReason("unknown_node")).build())));

        assertRefused("refused_by_peer");
    }

    @Test
    void anyFrameAfterThePeersHelloIsAProtocolError() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.of(new Heartbeat("n2", "n1", 1, 1, 0))));

        assertThat(channel.isOpen()).isFalse();
        assertThat(registry.get("raft.transport.connections.rejected").tag("reason", "unexpected_frame")
                .counter().count()).isEqualTo(1);
    }

    private void assertRefused(String reason) {
        assertThat(channel.isOpen()).isFalse();
        assertThat(ready).isEmpty();
        assertThat(registry.get("raft.transport.connections.rejected").tag("reason", reason).counter().count())
                .isEqualTo(1);
    }
}
