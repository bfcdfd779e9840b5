package io.raftkit.errors;

/**
 * The server is closed (or closing, or stopped after a fatal error) and refused or abandoned the
 * request. A request refused at submission was never proposed. A command that was already
 * proposed when the server closed fails with {@link UnknownOutcomeException} instead, because it
 * may still commit.
 */
public class ServerClosedException extends RuntimeException {

    public ServerClosedException(String message) {
        super(message);
    }

    public ServerClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
