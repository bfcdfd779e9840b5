package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.TransferOutcome;
import io.raftkit.ledger.client.TransferPage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code history [--after INDEX] [--limit N]}: recorded transfers in log order. */
@Command(name = "history", description = "Show recorded transfers in log order (linearizable read).",
        mixinStandardHelpOptions = true)
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "At most N transfers (default ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--after", defaultValue = "0", paramLabel = "INDEX",
            description = "Only transfers after this log index (default ${DEFAULT-VALUE}: from the start).")
    long after;

    @Override
    public Integer call() {
        if (limit < 1) {
            throw new CliFailure(ExitCodes.USAGE, "--limit must be at least 1");
        }
        TransferPage page = client.client().history(after, limit);
        PrintWriter out = spec.commandLine().getOut();
        for (TransferOutcome t : page.transfers()) {
            out.println(line(t));
        }
        out.println(page.transfers().size() + " transfers" + (page.transfers().size() == limit
                ? "; more with --after " + page.nextAfterIndex() : ""));
        return ExitCodes.OK;
    }

    static String line(TransferOutcome t) {
        if (t instanceof TransferOutcome.Committed c) {
            return String.format("%8d  COMMITTED  %-12s -> %-12s %12s  %s  %s", c.index(), c.from(), c.to(),
                    Money.show(c.amount()), c.createdAt(), c.msgId());
        }
        TransferOutcome.Rejected r = (TransferOutcome.Rejected) t;
        return String.format("%8d  REJECTED   %-12s -> %-12s %12s  %s  %s", r.index(), r.from(), r.to(),
                Money.show(r.amount()), r.reason(), r.msgId());
    }
}
