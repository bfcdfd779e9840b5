package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.OutcomeUnknownException;
import io.raftkit.ledger.client.TransferOutcome;
import io.raftkit.ledger.client.TransferRequest;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code transfer --from A --to B --amount 12.50 [--msg-id ID]}: retried with the same msgId
 * until a definite outcome, so running it again with the printed msgId is always safe.
 */
@Command(name = "transfer", description = {"Move money between two accounts, exactly once per msgId.",
        "Exit code 0 committed, 3 rejected, 4 outcome unknown (run again with the same --msg-id)."},
        mixinStandardHelpOptions = true)
final class TransferCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;

    @Option(names = "--from", required = true, paramLabel = "ACCOUNT", description = "The account debited.")
    String from;
    @Option(names = "--to", required = true, paramLabel = "ACCOUNT", description = "The account credited.")
    String to;
    @Option(names = "--amount", required = true, paramLabel = "AMOUNT", converter = Money.class,
            description = "A positive amount, at most two fraction digits (12.50).")
    BigDecimal amount;
    @Option(names = "--msg-id", paramLabel = "ID",
            description = "Idempotency key (default: a new UUID, printed first). Reuse it to retry safely.")
    String msgId;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (msgId == null) {
            msgId = UUID.randomUUID().toString();
            out.println("msgId " + msgId);
            out.flush();
        }
        TransferOutcome outcome;
        try {
            outcome = client.client().transfer(new TransferRequest(msgId, from, to, amount));
        } catch (OutcomeUnknownException e) {
            throw new CliFailure(ExitCodes.OUTCOME_UNKNOWN, e.getMessage());
        }
        String again = outcome.duplicate() ? " (duplicate: the outcome recorded for this msgId earlier)" : "";
        if (outcome instanceof TransferOutcome.Committed c) {
            out.println("COMMITTED " + c.from() + " -> " + c.to() + " " + Money.show(c.amount()) + " msgId " + c.msgId()
                    + " index " + c.index() + " term " + c.term() + again);
            return ExitCodes.OK;
        }
        TransferOutcome.Rejected r = (TransferOutcome.Rejected) outcome;
        throw new CliFailure(ExitCodes.REJECTED, "REJECTED " + r.reason() + " msgId " + r.msgId() + again);
    }
}
