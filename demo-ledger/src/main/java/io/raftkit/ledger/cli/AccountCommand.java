package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.Account;
import java.math.BigDecimal;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code account create ID [--initial 100.00]}. */
@Command(name = "account", description = "Manage accounts.", mixinStandardHelpOptions = true,
        subcommands = AccountCommand.Create.class)
final class AccountCommand {

    @Command(name = "create", description = "Create an account (POST /accounts).", mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID", description = "Account id: 1 to 64 characters of [A-Za-z0-9_.-].")
        String id;

        @Option(names = "--initial", paramLabel = "AMOUNT", converter = Money.class,
                description = "Opening balance (default: the server's, 100.00).")
        BigDecimal initial;

        @Override
        public Integer call() {
            Account account = client.client().createAccount(id, initial);
            spec.commandLine().getOut().println("created " + account.id() + " balance " + Money.show(account.balance()));
            return ExitCodes.OK;
        }
    }
}
