package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.Account;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code balance ID}: one linearizable read. */
@Command(name = "balance", description = "Show an account's balance (linearizable read).", mixinStandardHelpOptions = true)
final class BalanceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The account id.")
    String id;

    @Override
    public Integer call() {
        Account account = client.client().account(id);
        spec.commandLine().getOut().println(account.id() + " " + Money.show(account.balance()));
        return ExitCodes.OK;
    }
}
