package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.Account;
import io.raftkit.ledger.client.AccountList;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code accounts}: every account in one linearizable read, and the total. */
@Command(name = "accounts", description = "List every account and the total (one linearizable read).",
        mixinStandardHelpOptions = true)
final class AccountsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        AccountList list = client.client().accounts();
        PrintWriter out = spec.commandLine().getOut();
        BigDecimal total = BigDecimal.ZERO;
        for (Account account : list.accounts()) {
            out.printf("%-24s %16s%n", account.id(), Money.show(account.balance()));
            total = total.add(account.balance());
        }
        out.printf("%d accounts, total %s, read at index %d%n", list.accounts().size(), Money.show(total), list.index());
        return ExitCodes.OK;
    }
}
