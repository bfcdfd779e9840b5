package io.raftkit.ledger.client;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.UUID;

/**
 * A transfer to submit. The msgId makes it idempotent: submitting the same request again (after
 * a timeout, a crash, an {@link OutcomeUnknownException}) returns the outcome recorded the first
 * time and never moves the money twice.
 *
 * @param msgId  1 to 128 printable ASCII characters, unique per intended transfer
 * @param from   the account debited
 * @param to     the account credited
 * @param amount a positive amount with at most two fraction digits
 */
public record TransferRequest(String msgId, String from, String to, BigDecimal amount) {
    public TransferRequest {
        Objects.requireNonNull(msgId, "msgId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(amount, "amount");
    }

    /** A request with a fresh random msgId; keep it (see {@link #msgId()}) to retry later. */
    public static TransferRequest withNewMsgId(String from, String to, BigDecimal amount) {
        return new TransferRequest(UUID.randomUUID().toString(), from, to, amount);
    }
}
