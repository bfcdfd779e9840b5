package io.raftkit.errors;

/**
 * A command was handed to the leader, but the server cannot tell whether it was committed:
 * leadership changed while it was in flight, the request timed out, or the server closed or
 * stopped after a fatal error (then the cause says which).
 *
 * <p>The command may or may not be committed (and applied everywhere). Retrying is safe only if
 * the command is idempotent, for example because it carries a unique id that the state machine
 * deduplicates (the ledger's {@code msgId}); the retry then tells the real outcome.
 */
public class UnknownOutcomeException extends RuntimeException {

    public UnknownOutcomeException(String message) {
        super(message);
    }

    public UnknownOutcomeException(String message, Throwable cause) {
        super(message, cause);
    }
}
