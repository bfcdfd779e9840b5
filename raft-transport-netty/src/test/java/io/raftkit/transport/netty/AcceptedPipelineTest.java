package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.Message;
import io.raftkit.transport.netty.proto.Frame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pipeline of an accepted connection, without sockets: one frame in, one verdict out. */
class AcceptedPipelineTest {

    static final int MAX_FRAME = 4096;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Message> delivered = new CopyOnWriteArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void openChannel() {
        channel = acceptedChannel(registry, delivered::add);
    }

    @AfterEach
    void releaseChannel() {
        channel.finishAndReleaseAll();
    }

    static EmbeddedChannel acceptedChannel(SimpleMeterRegistry registry, java.util.function.Consumer<Message> inbound) {
        NettyTransportConfig config = TestNodes.config()
                .maxFrameBytes(MAX_FRAME).handshakeTimeout(Duration.ofSeconds(1)).build();
        TransportMetrics metrics = new TransportMetrics(registry, "n1", List.of("n2", "n3"));
        Pipelines pipelines = new Pipelines(config, TestNodes.context("n1", Map.of(
                        "n1", TestNodes.loopback(1), "n2", TestNodes.loopback(2), "n3", TestNodes.loopback(3))),
                metrics, null, inbound,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE));
        return new EmbeddedChannel(pipelines.accepted());
    }

    @Test
    void memberHandshakeIsAnsweredAndItsMessagesDelivered() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        Frame answer = Frames.parse(channel.readOutbound());
        Heartbeat heartbeat = new Heartbeat("n2", "n1", 4, 10, 2);
        channel.writeInbound(Frames.buf(Frames.of(heartbeat)));

        assertThat(answer.getHello().getNodeId()).isEqualTo("n1");
        assertThat(delivered).containsExactly(heartbeat);
        assertThat(channel.isOpen()).isTrue();
        assertThat(registry.get("raft.transport.messages.received").tag("peer", "n2").counter().count()).isEqualTo(1);
    }

    @Test
    void frameOverTheMaximumClosesTheConnection() {
        channel.writeInbound(Unpooled.buffer().writeInt(MAX_FRAME + 1));

        assertClosedFor("frame_too_large");
    }

    @Test
    void negativeLengthClosesTheConnection() {
        channel.writeInbound(Unpooled.buffer().writeInt(-5));

        assertClosedFor("frame_too_large");
    }

    @Test
    void unparseableFrameClosesTheConnection() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.raw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})));

        assertClosedFor("malformed_frame");
    }

    @Test
    void unknownMessageTypeClosesTheConnection() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        // Field 99, varint 1: a message type from some future version.
        channel.writeInbound(Frames.buf(Frames.raw(new byte[] {(byte) 0x98, 0x06, 0x01})));

        assertClosedFor("unknown_message_type");
    }

    @Test
    void emptyFrameIsAnUnknownMessageType() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.raw(new byte[0])));

        assertClosedFor("unknown_message_type");
    }

    @Test
    void messageBeforeTheHandshakeClosesTheConnection() {
        channel.writeInbound(Frames.buf(Frames.of(new Heartbeat("n2", "n1", 1, 1, 0))));

        assertClosedFor("no_handshake");
    }

    @Test
    void nodeOfAnotherClusterIsRefusedWithAReason() {
        channel.writeInbound(Frames.buf(Frames.hello(Handshake.PROTOCOL_VERSION, "other-cluster", "n2")));

        assertThat(Frames.parse(channel.readOutbound()).getHelloReject().getReason()).isEqualTo("cluster_mismatch");
        assertClosedFor("cluster_mismatch");
    }

    @Test
    void unknownNodeIsRefused() {
        channel.writeInbound(Frames.buf(Frames.hello("n9")));

        assertThat(Frames.parse(channel.readOutbound()).getHelloReject().getReason()).isEqualTo("unknown_node");
        assertClosedFor("unknown_node");
    }

    @Test
    void nodeClaimingOurOwnIdIsRefused() {
        channel.writeInbound(Frames.buf(Frames.hello("n1")));

        assertClosedFor("unknown_node");
    }

    @Test
    void otherProtocolVersionIsRefused() {
        channel.writeInbound(Frames.buf(Frames.hello(Handshake.PROTOCOL_VERSION + 1, TestNodes.CLUSTER, "n2")));

        assertThat(Frames.parse(channel.readOutbound()).getHelloReject().getReason()).isEqualTo("version_mismatch");
        assertClosedFor("version_mismatch");
    }

    @Test
    void handshakeThatNeverComesTimesOut() {
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertClosedFor("handshake_timeout");
    }

    @Test
    void handshakeInTimeCancelsTheTimeout() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void messageSpeakingForAnotherNodeClosesTheConnection() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.of(new Heartbeat("n3", "n1", 1, 1, 0))));

        assertClosedFor("identity_mismatch");
    }

    @Test
    void messageForAnotherNodeClosesTheConnection() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.of(new Heartbeat("n2", "n3", 1, 1, 0))));

        assertClosedFor("identity_mismatch");
    }

    @Test
    void secondHelloClosesTheConnection() {
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.hello("n2")));

        assertClosedFor("unexpected_frame");
    }

    @Test
    void entryTheCoreWouldRefuseIsAMalformedFrame() {
        Frame zeroIndex = WireCodec.encode(new AppendRequest("n2", "n1", 1, 0, 0,
                List.of(Entry.command(1, 1, new byte[] {1})), 0));
        Frame broken = zeroIndex.toBuilder().setAppendRequest(zeroIndex.getAppendRequest().toBuilder()
                .setEntries(0, zeroIndex.getAppendRequest().getEntries(0).toBuilder().setIndex(0))).build();
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.of(broken)));

        assertClosedFor("malformed_frame");
    }

    @Test
    void unknownEntryTypeIsAMalformedFrame() {
        Frame append = WireCodec.encode(new AppendRequest("n2", "n1", 1, 0, 0,
                List.of(Entry.command(1, 1, new byte[] {1})), 0));
        Frame broken = append.toBuilder().setAppendRequest(append.getAppendRequest().toBuilder()
                .setEntries(0, append.getAppendRequest().getEntries(0).toBuilder().setTypeValue(7))).build();
        channel.writeInbound(Frames.buf(Frames.hello("n2")));
        channel.writeInbound(Frames.buf(Frames.of(broken)));

        assertClosedFor("malformed_frame");
    }

    @Test
    void framesSplitAndCoalescedAcrossReadsAreReassembled() {
        Heartbeat first = new Heartbeat("n2", "n1", 1, 1, 0);
        Heartbeat second = new Heartbeat("n2", "n1", 1, 2, 0);
        ByteBuf stream = Frames.buf(Frames.hello("n2"), Frames.of(first), Frames.of(second));

        while (stream.isReadable()) {
            channel.writeInbound(stream.readRetainedSlice(Math.min(3, stream.readableBytes())));
        }
        stream.release();

        assertThat(delivered).containsExactly(first, second);
    }

    @Test
    void handlerFailureKeepsTheConnection() {
        EmbeddedChannel failing = acceptedChannel(registry, m -> {
            throw new IllegalStateException("bug in the handler");
        });
        failing.writeInbound(Frames.buf(Frames.hello("n2")));
        failing.writeInbound(Frames.buf(Frames.of(new Heartbeat("n2", "n1", 1, 1, 0))));

        assertThat(failing.isOpen()).isTrue();
        failing.finishAndReleaseAll();
    }

    private void assertClosedFor(String reason) {
        assertThat(channel.isOpen()).as("connection closed").isFalse();
        assertThat(delivered).as("nothing delivered").isEmpty();
        assertThat(registry.get("raft.transport.connections.rejected").tag("reason", reason).counter().count())
                .as("rejections for " + reason).isEqualTo(1);
        assertThat(registry.get("raft.transport.connections.rejected").counters().stream()
                .mapToDouble(c -> c.count()).sum()).as("rejections in total").isEqualTo(1);
    }
}
