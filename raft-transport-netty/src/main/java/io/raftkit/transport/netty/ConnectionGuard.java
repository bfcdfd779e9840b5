package io.raftkit.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of every connection: whatever went wrong on it, closes that connection (only that
 * one) and, for a peer that broke the protocol or failed TLS, counts the reason in
 * {@code raft.transport.connections.rejected} and logs it. Plain network errors (reset, refused)
 * are logged at debug level: they are what reconnection is for.
 */
final class ConnectionGuard extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

    private final String selfId;
    private final String direction;
    private final TransportMetrics metrics;
    private boolean closing;

    /**
     * @param direction "inbound" for accepted connections, or "outbound to n2" for dialled ones
     */
    ConnectionGuard(String selfId, String direction, TransportMetrics metrics) {
        this.selfId = selfId;
        this.direction = direction;
        this.metrics = metrics;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        RejectReason reason = classify(cause);
        Object remote = ctx.channel().remoteAddress();
        String peer = ctx.channel().attr(Handshake.PEER_ID).get();
        if (reason != null) {
            metrics.rejected(reason);
            log.warn("{}: closing {} connection {} (peer {}): {}: {}", selfId, direction, remote,
                    peer == null ? "unidentified" : peer, reason.tag(), cause.getMessage());
        } else if (cause instanceof IOException) {
            log.debug("{}: {} connection {} failed: {}", selfId, direction, remote, cause.toString());
        } else {
            log.warn("{}: closing {} connection {} after an unexpected error", selfId, direction, remote, cause);
        }
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        // A failed TLS handshake (including its timeout) is reported as an event, sometimes
        // without an exception: treat both the same way.
        if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess()) {
            exceptionCaught(ctx, tls.cause());
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    static RejectReason classify(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof ProtocolException p) {
                return p.reason();
            }
            if (t instanceof SSLException || t instanceof NotSslRecordException) {
                return RejectReason.TLS;
            }
        }
        return null;
    }
}
