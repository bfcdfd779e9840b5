package io.raftkit.transport.netty;

import com.google.protobuf.CodedOutputStream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.raftkit.transport.netty.proto.Frame;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes a {@link Frame} as its 4-byte length and its bytes, into one buffer sized exactly, so
 * each message costs one allocation and one copy of its payloads. Callers check the size limit
 * before writing (a protobuf message caches its size, so that check costs nothing here).
 */
final class FrameEncoder extends MessageToByteEncoder<Frame> {

    FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Frame frame, boolean preferDirect) {
        int size = FrameDecoder.LENGTH_BYTES + frame.getSerializedSize();
        return preferDirect ? ctx.alloc().ioBuffer(size) : ctx.alloc().heapBuffer(size);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, ByteBuf out) throws IOException {
        int size = frame.getSerializedSize();
        out.writeInt(size);
        ByteBuffer target = out.nioBuffer(out.writerIndex(), size);
        CodedOutputStream coded = CodedOutputStream.newInstance(target);
        frame.writeTo(coded);
        coded.checkNoSpaceLeft();
        out.writerIndex(out.writerIndex() + size);
    }
}
