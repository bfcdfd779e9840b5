package io.raftkit.transport.netty;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.raftkit.transport.netty.proto.Frame;
import java.io.IOException;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Parses each frame's bytes into an {@link InboundFrame}: a handshake frame, or a Raft message
 * record.
 *
 * <p>The protobuf parser aliases the frame buffer (no copy of the bytes fields while parsing),
 * and the record is built before the buffer is released, so each payload is copied once, into
 * the record's own array. Nothing aliased outlives this method.
 */
final class WireDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final IntConsumer frameSizes;

    /** @param frameSizes told the wire size of every frame that arrives */
    WireDecoder(IntConsumer frameSizes) {
        super(ByteBuf.class);
        this.frameSizes = frameSizes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf body, List<Object> out) {
        int wireBytes = FrameDecoder.LENGTH_BYTES + body.readableBytes();
        frameSizes.accept(wireBytes);
        Frame frame = parse(body);
        out.add(switch (frame.getBodyCase()) {
            case HELLO -> InboundFrame.hello(new InboundFrame.HelloFields(
                    frame.getHello().getProtocolVersion(), frame.getHello().getClusterId(),
                    frame.getHello().getNodeId()), wireBytes);
            case HELLO_REJECT -> InboundFrame.reject(frame.getHelloReject().getReason(), wireBytes);
            default -> InboundFrame.message(WireCodec.decode(frame), wireBytes);
        });
    }

    static Frame parse(ByteBuf body) {
        try {
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(body.nioBuffer()).newCodedInput();
            in.enableAliasing(true);
            return Frame.parseFrom(in);
        } catch (IOException | RuntimeException e) {
            throw new ProtocolException(RejectReason.MALFORMED_FRAME, "unparseable frame: " + e.getMessage(), e);
        }
    }
}
