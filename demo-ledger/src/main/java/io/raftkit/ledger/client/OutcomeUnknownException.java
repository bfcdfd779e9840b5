package io.raftkit.ledger.client;

/**
 * No definite outcome for a transfer before the client's deadline: it may or may not have
 * committed. Submitting the same {@link #msgId()} again (with the same body) is always safe and
 * returns the outcome once the ledger can tell.
 */
public final class OutcomeUnknownException extends LedgerClientException {

    private final String msgId;

    OutcomeUnknownException(String msgId, String detail, Throwable cause) {
        super("outcome of transfer msgId=" + msgId + " is unknown (" + detail
                + "); retry with the same msgId to learn it", cause);
        this.msgId = msgId;
    }

    /** The msgId to retry with. */
    public String msgId() {
        return msgId;
    }
}
