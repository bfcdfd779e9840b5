package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.raftkit.spi.Entry;
import io.raftkit.spi.TransportContractTest;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Message;
import io.raftkit.transport.netty.proto.Frame;
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
}
