package io.raftkit.transport.netty;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke the protocol; the connection is closed and the reason counted by
 * {@link ConnectionGuard}.
 *
 * <p>It extends {@link DecoderException} so that Netty's decoders pass it on as it is instead of
 * wrapping it, and carries no stack trace: a stranger can provoke it at will, and filling stack
 * traces for garbage would make garbage expensive.
 */
final class ProtocolException extends DecoderException {

    private final RejectReason reason;

    ProtocolException(RejectReason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    ProtocolException(RejectReason reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    RejectReason reason() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
