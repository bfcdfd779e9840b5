package io.raftkit.ledger;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Per connection: a request must arrive whole within the read timeout of its first byte (a client
 * trickling bytes cannot hold a connection forever), and a connection without a request in progress
 * is closed after the idle timeout. Sits before the HTTP codec; runs on the channel's event loop.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {

    private enum State { IDLE, READING, PROCESSING }

    private final long readTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Supplier<String> leader;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private io.netty.util.concurrent.ScheduledFuture<?> timer;

    RequestDeadline(HttpLimits limits, Supplier<String> leader) {
        this.readTimeoutNanos = limits.readTimeout().toNanos();
        this.idleTimeoutNanos = limits.idleTimeout().toNanos();
        this.leader = leader;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        armIdle();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (state == State.IDLE) {
            cancel();
            state = State.READING;
            timer = ctx.executor().schedule(this::readTimedOut, readTimeoutNanos, TimeUnit.NANOSECONDS);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    /** A whole request has arrived: the request timeout bounds it from now on. */
    void requestReceived() {
        cancel();
        state = State.PROCESSING;
    }

    /** The last response was written and no request is in progress. */
    void idle() {
        state = State.IDLE;
        armIdle();
    }

    private void armIdle() {
        cancel();
        timer = ctx.executor().schedule(() -> {
            if (state == State.IDLE) {
                ctx.close();
            }
        }, idleTimeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void readTimedOut() {
        if (state != State.READING || !ctx.channel().isActive()) {
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(ConnectionLimiter.RawResponses.of(408, "REQUEST_TIMEOUT",
                "the request did not arrive whole within " + TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos) + " ms",
                leader.get(), false))).addListener(ChannelFutureListener.CLOSE);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
