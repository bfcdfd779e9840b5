package io.raftkit.ledger.client;

/**
 * A definite error answer from the ledger ({@code {"error":"CODE","message":"..."}}), such as
 * 404 {@code ACCOUNT_NOT_FOUND}, 409 {@code ACCOUNT_EXISTS} / {@code MSG_ID_CONFLICT}, or 400
 * {@code INVALID_AMOUNT}. Retrying the same request gets the same answer.
 */
public final class LedgerErrorException extends LedgerClientException {

    private final int status;
    private final String code;

    LedgerErrorException(int status, String code, String message) {
        super(status + " " + code + (message == null || message.isBlank() ? "" : ": " + message), null);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The error code of the API, e.g. {@code ACCOUNT_NOT_FOUND}. */
    public String code() {
        return code;
    }
}
