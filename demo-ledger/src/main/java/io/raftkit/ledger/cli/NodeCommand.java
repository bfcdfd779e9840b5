package io.raftkit.ledger.cli;

import io.raftkit.ledger.HttpLimits;
import io.raftkit.ledger.LedgerNode;
import io.raftkit.ledger.LedgerNodeConfig;
import io.raftkit.ledger.Member;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code node --id n2 --data DIR --cluster n1=host:port/host:port,...}: one member per process or host. */
@Command(name = "node", description = {"Run one member of a cluster in this process until Ctrl-C or SIGTERM.",
        "Every member gets the same --cluster list; each binds the addresses of its own entry."},
        mixinStandardHelpOptions = true)
final class NodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--id", required = true, description = "This node's id, one of the --cluster ids.")
    String id;
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "This node's data directory (log in DIR/ledger.log).")
    Path data;
    @Option(names = "--cluster", required = true, paramLabel = "id=raftHost:port/httpHost:port,...",
            description = "Every member: n1=10.0.0.1:7001/10.0.0.1:8081,n2=...,n3=...")
    String cluster;
    @Option(names = "--join", paramLabel = "CLUSTER_ID",
            description = {"Join the running cluster with this id (shown by 'status' and GET /cluster) as a new",
                    "member: --cluster lists its current members and this node. Then add it on the leader:",
                    "'member add ID --raft HOST:PORT --http HOST:PORT'."})
    String join;

    @Override
    public Integer call() throws Exception {
        Path dir = data.toAbsolutePath().normalize();
        List<Member> members;
        try {
            members = Member.parseList(cluster);
        } catch (RuntimeException e) {
            throw new CliFailure(ExitCodes.USAGE, "--cluster: " + e.getMessage());
        }
        Member self = members.stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new CliFailure(ExitCodes.USAGE, "--id " + id + " is not in --cluster"));
        Path log = Logging.toFile(dir.resolve("ledger.log"));
        LedgerNode node = NodeStarter.start(new LedgerNodeConfig(id, dir, members, HttpLimits.defaults(), false,
                join));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("node %s serving http://%s (raft %s), data in %s, log in %s%n", id,
                LocalCluster.hostPort(node.httpAddress()), LocalCluster.hostPort(self.raftAddress()), dir, log);
        out.flush();
        Serving.untilStopped(node);
        return ExitCodes.OK;
    }
}
