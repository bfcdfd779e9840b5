package io.raftkit.ledger.cli;

import io.raftkit.ledger.Member;
import io.raftkit.ledger.client.ClusterStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code local [--nodes 3|5]}: the whole cluster in this process, on 127.0.0.1, until Ctrl-C. */
@Command(name = "local", description = {"Run a local cluster in this process (127.0.0.1 only) until Ctrl-C.",
        "Data stays in the data directory: running it again continues where it stopped."},
        mixinStandardHelpOptions = true)
final class LocalCommand implements Callable<Integer> {

    private static final String MEMBERS_FILE = "members.txt";

    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "3", description = "3 or 5 nodes (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--data", defaultValue = "ledger-data", paramLabel = "DIR",
            description = "Data directory, one subdirectory per node (default ./${DEFAULT-VALUE}).")
    Path data;
    @Option(names = "--raft-port", defaultValue = "7001", paramLabel = "PORT",
            description = "First Raft port; node i uses PORT+i-1 (default ${DEFAULT-VALUE}).")
    int raftPort;
    @Option(names = "--http-port", defaultValue = "8081", paramLabel = "PORT",
            description = "First HTTP port; node i uses PORT+i-1 (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        if (nodes != 3 && nodes != 5) {
            throw new CliFailure(ExitCodes.USAGE, "--nodes must be 3 or 5, got " + nodes);
        }
        Path root = data.toAbsolutePath().normalize();
        Path log = Logging.toFile(root.resolve("ledger.log"));
        List<Member> members = LocalCluster.members(nodes, raftPort, httpPort);
        checkSameMembers(root, LocalCluster.describe(members));
        PrintWriter out = spec.commandLine().getOut();
        LocalCluster cluster = new LocalCluster(root, members, false);
        try {
            cluster.startAll();
            out.printf("ledger: %d nodes on 127.0.0.1, data in %s, log in %s%n", nodes, root, log);
            for (Member m : members) {
                out.printf("  %s  %s   (raft %s)%n", m.id(), LocalCluster.url(m), LocalCluster.hostPort(m.raftAddress()));
            }
            ClusterStatus leader = new ClusterWatch(cluster.urls()).awaitLeader(Duration.ofSeconds(30), null);
            out.printf("leader: %s (term %d)%n", leader.leaderId() == null ? leader.nodeId() : leader.leaderId(), leader.term());
            out.println("dashboard: " + LocalCluster.url(members.get(0)) + "/   (any node serves it; stop nodes and"
                    + " cut them off from there)");
            out.println("try:  ./ledger account create alice --initial 100   ./ledger transfer --from alice --to bob --amount 12.50");
            out.println("      curl -s " + LocalCluster.url(members.get(0)) + "/accounts      Ctrl-C to stop");
            out.flush();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        Serving.untilStopped(cluster);
        return ExitCodes.OK;
    }

    /** A data directory made for other members would form no cluster: say so instead of hanging. */
    private static void checkSameMembers(Path root, String members) throws IOException {
        Path file = root.resolve(MEMBERS_FILE);
        if (Files.exists(file)) {
            String before = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (!before.equals(members)) {
                throw new CliFailure(ExitCodes.FAILURE, root + " holds a cluster of other members (" + before
                        + "); use the same --nodes and ports, or another --data");
            }
        } else {
            Files.createDirectories(root);
            Files.writeString(file, members + "\n", StandardCharsets.UTF_8);
        }
    }
}
