package io.raftkit.ledger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds the open HTTP connections: one over the limit gets a 503 and is closed at once, so a client
 * opening many connections cannot exhaust the node's memory or file descriptors.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private final int max;
    private final Supplier<String> leader;
    private final AtomicInteger open = new AtomicInteger();

    ConnectionLimiter(int max, Supplier<String> leader) {
        this.max = max;
        this.leader = leader;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            ctx.channel().config().setAutoRead(false);
            // raw bytes: this handler sits before the HTTP codec
            ctx.writeAndFlush(Unpooled.wrappedBuffer(RawResponses.of(503, "TOO_MANY_CONNECTIONS",
                    "the node has " + max + " connections open; retry later", leader.get(), true)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    /** Open connections, those being refused included. */
    int open() {
        return open.get();
    }

    /** A complete HTTP/1.1 error response as bytes, for handlers that sit before the codec. */
    static final class RawResponses {
        private RawResponses() {
        }

        static byte[] of(int status, String code, String message, String leader, boolean retryAfter) {
            byte[] body = Json.error(code, message);
            String reason = switch (status) {
                case 408 -> "Request Timeout";
                case 503 -> "Service Unavailable";
                default -> "Error";
            };
            String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + LedgerHttpHandler.RAFT_LEADER + ": " + (leader == null ? "" : leader) + "\r\n"
                    + (retryAfter ? "Retry-After: 1\r\n" : "")
                    + "Connection: close\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[h.length + body.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(body, 0, all, h.length, body.length);
            return all;
        }
    }
}
