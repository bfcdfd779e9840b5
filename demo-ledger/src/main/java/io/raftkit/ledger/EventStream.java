package io.raftkit.ledger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /events}: server-sent events, one {@code data:} line with this node's
 * {@link DashboardView} JSON per period, until the client goes away or the node stops. The page
 * opens one stream per member, so it sees every node's view live, and sees a node go down when its
 * stream breaks.
 *
 * <p>Bounded twice: at most {@code maxStreams} streams are open at once (more are refused with a
 * 503), and an event is skipped, not queued, while the client is not reading fast enough.
 */
final class EventStream {

    /** Tells the browser how soon to reconnect a broken stream (its default is 3 s). */
    private static final int RETRY_MILLIS = 1000;

    private final DashboardView view;
    private final long periodMillis;
    private final int maxStreams;
    private final AtomicInteger open = new AtomicInteger();

    EventStream(DashboardView view, Duration period, int maxStreams) {
        this.view = view;
        this.periodMillis = period.toMillis();
        this.maxStreams = maxStreams;
    }

    /**
     * Takes over the connection and streams until it closes.
     *
     * @param headers extra headers for the response (CORS, Raft-Leader)
     * @return false, having written nothing, if too many streams are open already
     */
    boolean serve(ChannelHandlerContext ctx, Map<String, String> headers) {
        if (open.incrementAndGet() > maxStreams) {
            open.decrementAndGet();
            return false;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        headers.forEach((k, v) -> response.headers().set(k, v));
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.write(response);
        write(ctx, "retry: " + RETRY_MILLIS + "\n\n");
        ScheduledFuture<?> ticker = ctx.executor().scheduleAtFixedRate(() -> {
            if (ctx.channel().isWritable()) { // a slow reader loses events rather than filling memory
                write(ctx, event());
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
        ctx.channel().closeFuture().addListener(f -> {
            ticker.cancel(false);
            open.decrementAndGet();
        });
        return true;
    }

    /** Streams open now. */
    int open() {
        return open.get();
    }

    private String event() {
        return "data: " + new String(view.json(), StandardCharsets.UTF_8) + "\n\n";
    }

    private static void write(ChannelHandlerContext ctx, String text) {
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)))
                .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
}
