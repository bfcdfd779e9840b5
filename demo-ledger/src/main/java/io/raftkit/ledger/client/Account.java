package io.raftkit.ledger.client;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * An account as the ledger reports it.
 *
 * @param id      the account id (1 to 64 characters of {@code [A-Za-z0-9_.-]})
 * @param balance the balance, exact, with at most two fraction digits
 */
public record Account(String id, BigDecimal balance) {
    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(balance, "balance");
    }
}
