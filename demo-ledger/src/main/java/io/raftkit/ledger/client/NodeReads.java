package io.raftkit.ledger.client;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads answered by one node from its own applied state ({@code ?consistency=local}), without
 * asking the leader: possibly stale. Obtained from {@link LedgerClient#node(URI)}.
 */
public final class NodeReads {

    private static final String LOCAL = "consistency=local";

    private final LedgerClient client;
    private final URI node;

    NodeReads(LedgerClient client, URI node) {
        this.client = client;
        this.node = node;
    }

    /** The node's base URL. */
    public URI node() {
        return node;
    }

    /** An account as this node has applied it. @throws LedgerErrorException 404 */
    public Account account(String id) {
        return client.call("GET", "/accounts/" + LedgerClient.segment(id) + "?" + LOCAL, null, false, node,
                (reply, ambiguous) -> LedgerClient.accountReply(reply), "local read of account " + id + " at " + node);
    }

    /** Every account as this node has applied them. */
    public AccountList accounts() {
        return client.call("GET", "/accounts?" + LOCAL, null, false, node,
                (reply, ambiguous) -> LedgerClient.accountListReply(reply), "local read of accounts at " + node);
    }

    /** The outcome this node has recorded for a msgId, or empty. */
    public Optional<TransferOutcome> transferOutcome(String msgId) {
        return client.call("GET", "/transfers/" + LedgerClient.segment(msgId) + "?" + LOCAL, null, false, node,
                (reply, ambiguous) -> LedgerClient.recordedOutcome(reply), "local read of transfer " + msgId);
    }

    /** One page of this node's history. */
    public TransferPage history(long afterIndex, int limit) {
        return client.call("GET", LedgerClient.historyPath(afterIndex, limit, true), null, false, node,
                (reply, ambiguous) -> LedgerClient.historyReply(reply), "local history at " + node);
    }

    /** This node's whole history, page by page. */
    public List<TransferOutcome> fullHistory() {
        List<TransferOutcome> all = new ArrayList<>();
        long after = 0;
        while (true) {
            TransferPage page = history(after, 1000);
            all.addAll(page.transfers());
            if (page.transfers().isEmpty() || page.nextAfterIndex() <= after) {
                return all;
            }
            after = page.nextAfterIndex();
        }
    }

    /** This node's view of the cluster. */
    public ClusterStatus clusterStatus() {
        return client.call("GET", "/cluster", null, false, node,
                (reply, ambiguous) -> client.statusReply(reply), "cluster status of " + node);
    }
}
