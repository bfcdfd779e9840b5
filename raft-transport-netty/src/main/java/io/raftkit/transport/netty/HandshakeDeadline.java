package io.raftkit.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one deadline both sides of the handshake keep: if the peer's Hello has not arrived in
 * time, a {@link ProtocolException} goes down the pipeline to {@link ConnectionGuard}, which
 * counts it and closes the connection.
 */
final class HandshakeDeadline {

    private final long millis;
    private ScheduledFuture<?> pending;

    HandshakeDeadline(long millis) {
        this.millis = millis;
    }

    /** Starts the clock on the channel's event loop; {@code what} says what did not come. */
    void arm(ChannelHandlerContext ctx, String what) {
        pending = ctx.executor().schedule(() -> ctx.fireExceptionCaught(new ProtocolException(
                RejectReason.HANDSHAKE_TIMEOUT, what + " within " + millis + " ms")), millis, TimeUnit.MILLISECONDS);
    }

    /** The handshake finished or the channel closed. Idempotent. */
    void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
