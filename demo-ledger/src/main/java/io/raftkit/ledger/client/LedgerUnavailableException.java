package io.raftkit.ledger.client;

/**
 * No node gave a definite answer before the deadline (nodes down, no leader, overloaded). For an
 * account creation the account may or may not exist; reads changed nothing.
 */
public final class LedgerUnavailableException extends LedgerClientException {

    LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
