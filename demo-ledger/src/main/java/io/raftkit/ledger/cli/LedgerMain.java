package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.LedgerClientException;
import io.raftkit.ledger.client.OutcomeUnknownException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The ledger's command line ({@code java -jar demo-ledger.jar ...}, or {@code ./ledger ...}):
 * with no command it runs the local cluster, like {@code local}. Failures print one line and
 * exit non-zero (see {@link ExitCodes}); details go to the log file of the data directory.
 */
@Command(name = "ledger", mixinStandardHelpOptions = true, version = "raftkit demo-ledger 0.1.0-SNAPSHOT",
        description = {"A replicated bank ledger on raftkit.",
                "With no command: run a 3-node local cluster in this process (same as 'local')."},
        subcommands = {LocalCommand.class, NodeCommand.class, AccountCommand.class, BalanceCommand.class,
                AccountsCommand.class, TransferCommand.class, HistoryCommand.class, StatusCommand.class,
                DemoCommand.class, BenchCommand.class, MemberCommand.class, LeaderCommand.class,
                CommandLine.HelpCommand.class})
public final class LedgerMain implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return spec.commandLine().getSubcommands().get("local").execute();
    }

    /** Runs the CLI and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI on the console streams and returns the exit code (for tests and embedding). */
    public static int run(String... args) {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true)).execute(args);
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new LedgerMain());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            command.getErr().println(oneLine(e));
            command.getErr().flush();
            return exitCode(e);
        });
        return cli;
    }

    static int exitCode(Exception e) {
        if (e instanceof CliFailure failure) {
            return failure.exitCode();
        }
        if (e instanceof OutcomeUnknownException) {
            return ExitCodes.OUTCOME_UNKNOWN;
        }
        return ExitCodes.FAILURE;
    }

    /** The reason on one line, without a stack trace. */
    static String oneLine(Exception e) {
        String message;
        if (e instanceof CliFailure || e instanceof LedgerClientException) {
            message = e.getMessage();
        } else {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            message = e.getMessage() == null ? root.toString() : e.getMessage();
        }
        String prefix = e instanceof CliFailure f && f.exitCode() == ExitCodes.REJECTED ? "" : "error: ";
        return prefix + (message == null ? e.getClass().getSimpleName() : message.replaceAll("\\s*\\R\\s*", " "));
    }
}
