package io.raftkit.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits the inbound byte stream into frames: a 4-byte big-endian length N, then N bytes.
 *
 * <pre>
 * +--------+----------------+--------+-------
 * | len N  |  N bytes       | len M  |  ...
 * | 4 B BE |  (a Frame)     | 4 B BE |
 * +--------+----------------+--------+-------
 * </pre>
 *
 * <p>A length over the maximum (or negative, read as signed) fails at once, before any of its
 * body is buffered, so a stranger cannot make this node allocate what the prefix claims. After
 * a failure everything else on the connection is discarded while it closes.
 */
final class FrameDecoder extends ByteToMessageDecoder {

    static final int LENGTH_BYTES = 4;

    private final int maxFrameBytes;
    private boolean failed;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < LENGTH_BYTES) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 0 || length > maxFrameBytes) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw new ProtocolException(RejectReason.FRAME_TOO_LARGE, "frame of "
                    + Integer.toUnsignedLong(length) + " bytes exceeds the maximum of " + maxFrameBytes);
        }
        if (in.readableBytes() < LENGTH_BYTES + length) {
            return;
        }
        in.skipBytes(LENGTH_BYTES);
        out.add(in.readRetainedSlice(length));
    }
}
