package io.raftkit.ledger.client;

import java.util.List;

/**
 * Every account, read at one point of the log.
 *
 * @param index    the applied log index the list was read at
 * @param accounts the accounts, in the server's order
 */
public record AccountList(long index, List<Account> accounts) {
    public AccountList {
        accounts = List.copyOf(accounts);
    }
}
