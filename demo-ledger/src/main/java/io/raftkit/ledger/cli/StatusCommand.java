package io.raftkit.ledger.cli;

import io.raftkit.ledger.client.ClusterStatus;
import io.raftkit.ledger.client.LedgerClient;
import io.raftkit.ledger.client.LedgerClientException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code status}: every given node's own view (role, term, leader, commit and applied index). */
@Command(name = "status", description = "Show each node's role, term, leader, commit and applied index.",
        mixinStandardHelpOptions = true)
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ClientOptions client;

    private static final String UNREACHABLE = " unreachable";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // one short attempt per node: a node that is down is reported, not waited for
        LedgerClient perNode = LedgerClient.builder().servers(LedgerClient.parseServers(client.servers))
                .requestTimeout(Duration.ofSeconds(2)).deadline(Duration.ofSeconds(2)).build();
        Map<URI, CompletableFuture<String>> lines = new LinkedHashMap<>();
        for (URI url : perNode.servers()) {
            lines.put(url, CompletableFuture.supplyAsync(() -> line(perNode, url)));
        }
        out.printf("%-26s %-6s %-10s %6s %-6s %10s %10s%n", "url", "node", "role", "term", "leader", "commit", "applied");
        int reachable = 0;
        for (CompletableFuture<String> line : lines.values()) {
            String text = line.join();
            out.println(text);
            reachable += text.contains(UNREACHABLE) ? 0 : 1;
        }
        if (reachable == 0) {
            throw new CliFailure(ExitCodes.FAILURE, "no node answered");
        }
        return ExitCodes.OK;
    }

    private static String line(LedgerClient perNode, URI url) {
        try {
            ClusterStatus s = perNode.node(url).clusterStatus();
            return String.format("%-26s %-6s %-10s %6d %-6s %10d %10d", url, s.nodeId(), s.role(), s.term(),
                    s.leaderId() == null ? "-" : s.leaderId(), s.commitIndex(), s.appliedIndex());
        } catch (LedgerClientException e) {
            String why = e.getCause() == null ? "no answer" : e.getCause().getClass().getSimpleName();
            return String.format("%-26s%s (%s)", url, UNREACHABLE, why);
        }
    }
}
