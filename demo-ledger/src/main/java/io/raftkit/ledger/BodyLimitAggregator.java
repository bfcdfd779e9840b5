package io.raftkit.ledger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.function.Supplier;

/** Aggregates a request; a body over the limit is answered 400 BODY_TOO_LARGE (the API's rule) and the connection closed. */
final class BodyLimitAggregator extends HttpObjectAggregator {

    private final int maxBody;
    private final Supplier<String> leader;

    BodyLimitAggregator(int maxBody, Supplier<String> leader) {
        super(maxBody);
        this.maxBody = maxBody;
        this.leader = leader;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        byte[] body = Json.error("BODY_TOO_LARGE", "the request body exceeds " + maxBody + " bytes");
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.wrappedBuffer(body));
        String l = leader.get();
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, ApiResponse.JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(LedgerHttpHandler.RAFT_LEADER, l == null ? "" : l);
        // The rest of the body may still be arriving: closing now would reset the connection and the
        // client might lose the answer. Half-close instead; the aggregator discards the rest, and the
        // request deadline closes a client that keeps sending.
        ctx.writeAndFlush(response).addListener(f -> {
            if (f.isSuccess() && ctx.channel() instanceof SocketChannel socket) {
                socket.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }
}
