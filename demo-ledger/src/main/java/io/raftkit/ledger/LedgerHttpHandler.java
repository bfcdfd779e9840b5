package io.raftkit.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests: hands each to the {@link LedgerApi}, one at a time and in order (so
 * pipelined requests are answered in order), and writes the answer with the {@code Raft-Leader}
 * header. Reading is paused while a request is served, which also bounds the work one connection
 * can queue. Answers are written on the event loop; nothing here waits.
 */
final class LedgerHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Header naming the leader (empty when none is known) on every response. */
    static final String RAFT_LEADER = "Raft-Leader";

    private static final Logger log = LoggerFactory.getLogger(LedgerHttpHandler.class);
    private static final int MAX_QUEUED = 16;
    private static final java.util.Set<String> KNOWN_METHODS = java.util.Set.of("GET", "POST", "PUT", "DELETE", "HEAD",
            "OPTIONS", "PATCH");

    private final LedgerApi api;
    private final Supplier<String> leader;
    private final MeterRegistry registry;
    private final RequestDeadline deadline;
    private final long requestTimeoutMillis;
    private final EventStream events;
    private final CorsPolicy cors;
    private final ArrayDeque<FullHttpRequest> queue = new ArrayDeque<>();
    private boolean busy;

    LedgerHttpHandler(LedgerApi api, Supplier<String> leader, MeterRegistry registry, RequestDeadline deadline,
                      long requestTimeoutMillis, EventStream events, CorsPolicy cors) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.events = events;
        this.cors = cors;
        this.api = api;
        this.leader = leader;
        this.registry = registry;
        this.deadline = deadline;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        deadline.requestReceived();
        if (queue.size() >= MAX_QUEUED) {
            ctx.close(); // a client pipelining this deep is not waiting for answers
            return;
        }
        queue.add(request.retain());
        ctx.channel().config().setAutoRead(false);
        if (!busy) {
            serveNext(ctx);
        }
    }

    private void serveNext(ChannelHandlerContext ctx) {
        FullHttpRequest request = queue.poll();
        if (request == null) {
            busy = false;
            if (ctx.channel().isActive()) {
                deadline.idle();
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        busy = true;
        long start = System.nanoTime();
        boolean keepAlive;
        ApiRequest apiRequest;
        String route;
        String method = request.method().name();
        String methodTag = KNOWN_METHODS.contains(method) ? method : "other"; // any token is a method: bound the tags
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        Map<String, String> corsHeaders = cors.headers(origin);
        try {
            keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            if (request.decoderResult().isFailure()) {
                route = "other";
                respond(ctx, LedgerApi.error(ApiException.badRequest("INVALID_REQUEST", "malformed HTTP request: "
                        + request.decoderResult().cause().getMessage())), false, route, methodTag, start);
                return;
            }
            QueryStringDecoder decoder = new QueryStringDecoder(request.uri());
            String path = decoder.rawPath();
            route = LedgerApi.routeOf(path);
            if (method.equals("OPTIONS") && cors.allows(origin)
                    && request.headers().contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD)) {
                // a browser asking whether the dashboard of another member may POST JSON here
                ApiResponse preflight = new ApiResponse(204, "text/plain", new byte[0], cors.preflightHeaders(origin));
                respond(ctx, preflight, keepAlive, route, methodTag, start);
                return;
            }
            if (path.equals("/events") && method.equals("GET")) {
                streamEvents(ctx, corsHeaders, route, methodTag, start);
                return;
            }
            Map<String, List<String>> params;
            try {
                params = decoder.parameters();
            } catch (IllegalArgumentException e) {
                respond(ctx, LedgerApi.error(ApiException.badRequest("INVALID_REQUEST", "malformed query string")),
                        keepAlive, route, methodTag, start);
                return;
            }
            apiRequest = new ApiRequest(method, request.uri(), path, params, ByteBufUtil.getBytes(request.content()),
                    request.headers().get(LeaderForwarder.FORWARDED_BY));
        } finally {
            request.release();
        }
        boolean keep = keepAlive;
        String r = route;
        String m = methodTag;
        api.handle(apiRequest, ctx.channel().eventLoop())
                // a last resort, should an answer never come: the connection must not hang
                .completeOnTimeout(LedgerApi.error(method.equals("POST")
                                ? ApiException.unavailable("UNKNOWN_OUTCOME", "no answer in time; retrying with the"
                                        + " same msgId is safe and tells")
                                : ApiException.unavailable("TIMEOUT", "no answer in time")),
                        requestTimeoutMillis + 2_000, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((resp, err) -> {
                    ApiResponse answer = err == null ? resp
                            : LedgerApi.error(new ApiException(500, "INTERNAL", "internal error: " + err));
                    for (Map.Entry<String, String> h : corsHeaders.entrySet()) {
                        answer = answer.withHeader(h.getKey(), h.getValue());
                    }
                    respond(ctx, answer, keep, r, m, start);
                }, ctx.executor());
    }

    /** Hands the connection to the event stream for good: no other request is served on it. */
    private void streamEvents(ChannelHandlerContext ctx, Map<String, String> corsHeaders, String route, String method,
                              long start) {
        Map<String, String> headers = new java.util.HashMap<>(corsHeaders);
        String l = leader.get();
        headers.put(RAFT_LEADER, l == null ? "" : l);
        if (!events.serve(ctx, headers)) {
            ApiResponse refused = LedgerApi.error(ApiException.unavailable("TOO_MANY_STREAMS",
                    "too many event streams are open on this node; retry later"));
            for (Map.Entry<String, String> h : corsHeaders.entrySet()) {
                refused = refused.withHeader(h.getKey(), h.getValue());
            }
            respond(ctx, refused, false, route, method, start);
            return;
        }
        recordRequest(route, method, 200, start);
        releaseQueue();
        // reading again lets Netty notice at once when the page goes away; a request sent after
        // this one on the same connection is never answered and the queue limit closes it
        ctx.channel().config().setAutoRead(true);
    }

    private void recordRequest(String route, String method, int status, long start) {
        Timer.builder("ledger.http.requests").description("HTTP requests served, by route and status")
                .tag("route", route).tag("method", method).tag("status", Integer.toString(status))
                .register(registry).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }

    private void respond(ChannelHandlerContext ctx, ApiResponse answer, boolean keepAlive, String route,
                         String method, long start) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        answer.headers().forEach((k, v) -> response.headers().set(k, v));
        if (!response.headers().contains(RAFT_LEADER)) {
            String l = leader.get();
            response.headers().set(RAFT_LEADER, l == null ? "" : l);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE
                : HttpHeaderValues.CLOSE);
        recordRequest(route, method, answer.status(), start);
        if (!ctx.channel().isActive()) {
            releaseQueue();
            return;
        }
        ChannelFuture f = ctx.writeAndFlush(response);
        if (keepAlive) {
            f.addListener(done -> serveNext(ctx));
        } else {
            releaseQueue();
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseQueue();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    private void releaseQueue() {
        FullHttpRequest r;
        while ((r = queue.poll()) != null) {
            r.release();
        }
    }
}
