package io.raftkit.ledger.client;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The definite outcome the ledger recorded for a msgId: committed or rejected. Both are final: a
 * msgId keeps its outcome forever, and a repeat returns it with {@link #duplicate()} set.
 */
public sealed interface TransferOutcome permits TransferOutcome.Committed, TransferOutcome.Rejected {

    /** The transfer's msgId. */
    String msgId();

    /** True when this answer is the recorded outcome of an earlier submission of the same msgId. */
    boolean duplicate();

    /**
     * The money moved.
     *
     * @param index     the log index of the transfer
     * @param term      the term of the leader that accepted it
     * @param createdAt the leader's clock when it accepted it (the same on every replica)
     */
    record Committed(String msgId, String from, String to, BigDecimal amount, long index, long term,
                     Instant createdAt, boolean duplicate) implements TransferOutcome {
    }

    /**
     * The ledger refused the transfer deterministically; nothing moved. {@code from}, {@code to},
     * {@code amount} and {@code index} are null or -1 when the server's answer does not carry them.
     *
     * @param reason {@code INSUFFICIENT_FUNDS} or {@code ACCOUNT_NOT_FOUND}
     */
    record Rejected(String msgId, String reason, String from, String to, BigDecimal amount, long index,
                    boolean duplicate) implements TransferOutcome {
    }
}
