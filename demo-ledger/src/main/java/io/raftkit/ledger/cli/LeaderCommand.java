package io.raftkit.ledger.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code leader transfer ID}: move leadership off a node before maintenance. */
@Command(name = "leader", description = "Move the cluster's leadership.", mixinStandardHelpOptions = true,
        subcommands = LeaderCommand.Transfer.class)
final class LeaderCommand {

    @Command(name = "transfer", mixinStandardHelpOptions = true, description = {
            "Hand leadership to the voter ID (POST /cluster/leader): the leader stops taking writes, brings",
            "ID up to date and lets it campaign at once; returns once ID leads."})
    static final class Transfer implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "The voter to lead.")
        String id;

        @Override
        public Integer call() {
            client.client().transferLeadership(id);
            spec.commandLine().getOut().println("leader is now " + id);
            return ExitCodes.OK;
        }
    }
}
