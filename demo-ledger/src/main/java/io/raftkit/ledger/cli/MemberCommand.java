package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.Membership;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code member add|promote|remove}: membership changes, run by the leader (the client finds it).
 * See docs/operations.md, "Membership changes".
 */
@Command(name = "member", description = "Change the cluster's members (runs on the leader).",
        mixinStandardHelpOptions = true,
        subcommands = {MemberCommand.Add.class, MemberCommand.Promote.class, MemberCommand.Remove.class})
final class MemberCommand {

    static void print(PrintWriter out, Membership m) {
        out.println("voters " + String.join(",", m.voters()) + (m.learners().isEmpty() ? ""
                : "; learners " + String.join(",", m.learners())));
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = {
            "Add a node started with 'node --join' (POST /cluster/members): as a voter (a learner first,",
            "promoted once it has caught up), or with --learner as a learner only."})
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "The new member's id.")
        String id;
        @Option(names = "--raft", required = true, paramLabel = "HOST:PORT", description = "Its Raft address.")
        String raft;
        @Option(names = "--http", required = true, paramLabel = "HOST:PORT", description = "Its HTTP address.")
        String http;
        @Option(names = "--learner", description = "Add it as a learner only (promote it later with 'member promote').")
        boolean learner;

        @Override
        public Integer call() {
            Membership m = client.client().addMember(id, raft, http, learner);
            PrintWriter out = spec.commandLine().getOut();
            out.print("added " + id + (learner ? " as a learner: " : " as a voter: "));
            print(out, m);
            return ExitCodes.OK;
        }
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = "Make a learner a voter (POST /cluster/members/ID/promote); refused while it lags.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "The learner's id.")
        String id;

        @Override
        public Integer call() {
            Membership m = client.client().promote(id);
            PrintWriter out = spec.commandLine().getOut();
            out.print("promoted " + id + ": ");
            print(out, m);
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a member, voter or learner (DELETE /cluster/members/ID); stop its process afterwards.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions client;
        @Parameters(paramLabel = "ID", description = "The member's id.")
        String id;

        @Override
        public Integer call() {
            Membership m = client.client().removeMember(id);
            PrintWriter out = spec.commandLine().getOut();
            out.print("removed " + id + ": ");
            print(out, m);
            return ExitCodes.OK;
        }
    }
}
