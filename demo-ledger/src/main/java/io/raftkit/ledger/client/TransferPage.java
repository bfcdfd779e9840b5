package io.raftkit.ledger.client;

import java.util.List;

/**
 * One page of the transfer history, in log order.
 *
 * @param transfers      the recorded outcomes
 * @param nextAfterIndex the {@code afterIndex} that asks for the next page
 */
public record TransferPage(List<TransferOutcome> transfers, long nextAfterIndex) {
    public TransferPage {
        transfers = List.copyOf(transfers);
    }
}
