package io.raftkit.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.raftkit.spi.message.Message;
import io.raftkit.transport.netty.proto.Frame;
import io.raftkit.transport.netty.proto.Hello;

/** Builds raw frames for tests, valid or not. */
final class Frames {

    private Frames() {
    }

    /** A length-prefixed frame of the given body bytes. */
    static byte[] raw(byte[] body) {
        byte[] framed = new byte[4 + body.length];
        framed[0] = (byte) (body.length >>> 24);
        framed[1] = (byte) (body.length >>> 16);
        framed[2] = (byte) (body.length >>> 8);
        framed[3] = (byte) body.length;
        System.arraycopy(body, 0, framed, 4, body.length);
        return framed;
    }

    static byte[] of(Frame frame) {
        return raw(frame.toByteArray());
    }

    static byte[] of(Message message) {
        return of(WireCodec.encode(message));
    }

    static byte[] hello(int version, String cluster, String nodeId) {
        return of(Frame.newBuilder().setHello(Hello.newBuilder()
                .setProtocolVersion(version).setClusterId(cluster).setNodeId(nodeId)).build());
    }

    static byte[] hello(String nodeId) {
        return hello(Handshake.PROTOCOL_VERSION, TestNodes.CLUSTER, nodeId);
    }

    static ByteBuf buf(byte[]... parts) {
        return Unpooled.wrappedBuffer(parts);
    }

    /** Parses one outbound frame written by a pipeline. */
    static Frame parse(ByteBuf written) {
        try {
            int length = written.readInt();
            return WireDecoder.parse(written.readSlice(length));
        } finally {
            written.release();
        }
    }
}
