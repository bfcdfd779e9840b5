package io.raftkit.ledger.client;

/**
 * Why a {@link LedgerClient} call did not return a result. The subclasses tell whether the
 * ledger gave a definite answer ({@link LedgerErrorException}) or none before the deadline
 * ({@link OutcomeUnknownException} for a transfer, {@link LedgerUnavailableException} otherwise).
 */
public abstract sealed class LedgerClientException extends RuntimeException
        permits LedgerErrorException, OutcomeUnknownException, LedgerUnavailableException {

    LedgerClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
