package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.raftkit.spi.Entry;
import io.raftkit.spi.TransportContractTest;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.MessageValidator;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import io.raftkit.transport.netty.proto.Frame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    @Test
    void everyMessageKindRoundTripsThroughBytes() {
        for (Message message : TransportContractTest.sampleMessages("n1", "n2")) {
            byte[] bytes = WireCodec.encode(message).toByteArray();

            Message decoded = WireCodec.decode(WireDecoder.parse(Unpooled.wrappedBuffer(bytes)));

            assertThat(decoded).as(message.kind().name()).isEqualTo(message);
        }
    }

    @Test
    void encodingSharesEntryPayloadsInsteadOfCopyingThem() {
        byte[] payload = {1, 2, 3};
        Frame frame = WireCodec.encode(new AppendRequest("n1", "n2", 1, 0, 0,
                List.of(Entry.command(1, 1, payload)), 0));

        payload[0] = 42;

        assertThat(frame.getAppendRequest().getEntries(0).getData().byteAt(0)).isEqualTo((byte) 42);
    }

    @Test
    void decodedPayloadsOwnTheirBytesOnceTheFrameBufferIsReused() {
        AppendRequest sent = new AppendRequest("n1", "n2", 1, 0, 0,
                List.of(Entry.command(1, 1, new byte[] {7, 7, 7})), 0);
        ByteBuf frame = Unpooled.directBuffer().writeBytes(WireCodec.encode(sent).toByteArray());

        Message decoded = WireCodec.decode(WireDecoder.parse(frame));
        frame.setZero(0, frame.writerIndex());
        frame.release();

        assertThat(decoded).isEqualTo(sent);
    }

    /**
     * The runtime keeps a batch within {@code maxMessageBytes()} as the message's
     * {@code sizeBytes()} counts it; the worst such batch (the longest ids and hints, the largest
     * request ids, empty and full payloads) must still fit in a frame.
     */
    @Test
    void aBatchWithinMaxMessageBytesFitsInAFrame() {
        int maxFrame = 64 * 1024;
        long max = WireLimits.maxAppendBytes(maxFrame);
        String id = "\u20ac".repeat(WireLimits.MAX_ID_CHARS);
        List<ForwardRequest.Command> commands = new ArrayList<>();
        List<ForwardResponse.Answer> answers = new ArrayList<>();
        List<ReadIndexResponse.Answer> readAnswers = new ArrayList<>();
        long bytes = 0;
        while (bytes + Entry.OVERHEAD_BYTES <= max) {
            commands.add(new ForwardRequest.Command(Long.MAX_VALUE - commands.size(), new byte[0]));
            bytes += Entry.OVERHEAD_BYTES;
        }
        bytes = 0;
        ForwardResponse.Answer answer = new ForwardResponse.Answer(Long.MAX_VALUE, RouteStatus.UNKNOWN_OUTCOME,
                new byte[0], id);
        ReadIndexResponse.Answer readAnswer = new ReadIndexResponse.Answer(Long.MAX_VALUE, RouteStatus.UNKNOWN_OUTCOME,
                Long.MAX_VALUE, id);
        while (bytes + answer.sizeBytes() <= max) {
            answers.add(answer);
            readAnswers.add(readAnswer);
            bytes += answer.sizeBytes();
        }
        List<Message> batches = List.of(new ForwardRequest(id, id + "x", Long.MAX_VALUE, commands),
                new ForwardRequest(id, id + "x", Long.MAX_VALUE, List.of(
                        new ForwardRequest.Command(Long.MAX_VALUE, new byte[(int) max - Entry.OVERHEAD_BYTES]))),
                new ForwardResponse(id, id + "x", Long.MAX_VALUE, answers),
                new ReadIndexResponse(id, id + "x", Long.MAX_VALUE, readAnswers));
        for (Message m : batches) {
            assertThat(WireCodec.encode(m).getSerializedSize()).as(m.kind().name()).isLessThanOrEqualTo(maxFrame);
        }
    }

    @Test
    void anEmptyBatchDecodesAndIsFlaggedByTheValidatorAndABadStatusInsideABatchIsRejected() {
        Message empty = WireCodec.decode(WireDecoder.parse(Unpooled.wrappedBuffer(
                WireCodec.encode(new ReadIndexRequest("n1", "n2", 1, List.of())).toByteArray())));
        assertThat(MessageValidator.check(empty)).isEqualTo(InvalidReason.EMPTY_BATCH);

        Frame bad = Frame.newBuilder().setForwardResponse(io.raftkit.transport.netty.proto.ForwardResponse.newBuilder()
                .setFrom("n1").setTo("n2").setTerm(1)
                .addAnswers(io.raftkit.transport.netty.proto.ForwardAnswer.newBuilder().setRequestId(1).setStatusValue(0))
                .addAnswers(io.raftkit.transport.netty.proto.ForwardAnswer.newBuilder().setRequestId(2).setStatusValue(9)))
                .build();
        assertThatThrownBy(() -> WireCodec.decode(bad)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("route status");
    }
}
