package io.raftkit.ledger.cli;

import io.raftkit.ledger.Member;
import io.raftkit.ledger.client.Account;
import io.raftkit.ledger.client.AccountList;
import io.raftkit.ledger.client.ClusterStatus;
import io.raftkit.ledger.client.LedgerClient;
import io.raftkit.ledger.client.TransferOutcome;
import io.raftkit.ledger.client.TransferRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: a scripted tour on a fresh 3-node cluster in this process (free ports, a temporary
 * data directory): accounts, transfers, a duplicate msgId, a rejection, the leader stopped and a
 * new one elected, the old leader back, and the balances checked on every node.
 */
@Command(name = "demo", description = {"A scripted tour of the ledger on a fresh 3-node cluster.",
        "In this process, on free ports and a temporary directory: accounts, transfers, a duplicate msgId,",
        "the leader killed and a new one elected, balances checked on every node with local reads."},
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {

    private static final Duration ELECTION = Duration.ofSeconds(30);

    @Spec
    CommandSpec spec;

    @Option(names = "--keep", description = "Keep the temporary data directory (and its log) afterwards.")
    boolean keep;

    private PrintWriter out;
    private int step;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Path root = Files.createTempDirectory("ledger-demo");
        Path log = Logging.toFile(root.resolve("ledger.log"));
        List<Member> members = freeMembers(3);
        try (LocalCluster cluster = new LocalCluster(root, members, true)) {
            run(cluster);
        } finally {
            if (keep) {
                out.println("data and log kept in " + root + " (log: " + log + ")");
            } else {
                deleteRecursively(root);
            }
        }
        return ExitCodes.OK;
    }

    private void run(LocalCluster cluster) {
        say("start 3 nodes in this process");
        cluster.startAll();
        for (Member m : cluster.members()) {
            out.println("    " + m.id() + " " + LocalCluster.url(m));
        }
        ClusterWatch watch = new ClusterWatch(cluster.urls());
        ClusterStatus first = watch.awaitLeader(ELECTION, null);
        out.println("    leader " + first.nodeId() + " in term " + first.term());

        LedgerClient client = LedgerClient.builder().servers(cluster.urls()).deadline(Duration.ofSeconds(30)).build();
        say("create accounts alice 100.00, bob 50.00, carol 0.00");
        for (String[] a : new String[][] {{"alice", "100.00"}, {"bob", "50.00"}, {"carol", "0.00"}}) {
            Account account = client.createAccount(a[0], new BigDecimal(a[1]));
            out.println("    " + account.id() + " " + Money.show(account.balance()));
        }

        say("transfer 30.00 from alice to bob, msgId demo-1");
        TransferRequest first1 = new TransferRequest("demo-1", "alice", "bob", new BigDecimal("30.00"));
        TransferOutcome.Committed committed = expectCommitted(client.transfer(first1));
        out.println("    COMMITTED at index " + committed.index() + " in term " + committed.term());

        say("send demo-1 again (a client retrying after a lost answer)");
        TransferOutcome again = client.transfer(first1);
        check(again.duplicate() && again instanceof TransferOutcome.Committed c && c.index() == committed.index(),
                "the repeat must return the recorded outcome, got " + again);
        out.println("    duplicate=true, same index " + committed.index() + ": the money moved once");

        say("transfer 10.00 from carol (balance 0.00) to alice, msgId demo-2");
        TransferOutcome rejected = client.transfer(new TransferRequest("demo-2", "carol", "alice", new BigDecimal("10.00")));
        check(rejected instanceof TransferOutcome.Rejected r && r.reason().equals("INSUFFICIENT_FUNDS"),
                "expected REJECTED INSUFFICIENT_FUNDS, got " + rejected);
        out.println("    REJECTED INSUFFICIENT_FUNDS (recorded too: demo-2 will always answer this)");

        ClusterStatus leader = watch.awaitLeader(ELECTION, null);
        say("kill the leader " + leader.nodeId());
        cluster.stopNode(leader.nodeId());
        ClusterStatus next = watch.awaitLeader(ELECTION, leader.nodeId());
        out.println("    new leader " + next.nodeId() + " in term " + next.term());

        say("transfer 20.00 from bob to carol through the client, msgId demo-3 (it finds the new leader)");
        TransferOutcome.Committed third = expectCommitted(client.transfer(
                new TransferRequest("demo-3", "bob", "carol", new BigDecimal("20.00"))));
        out.println("    COMMITTED at index " + third.index() + " in term " + third.term());

        say("restart " + leader.nodeId() + " on its data; it catches up from the new leader");
        cluster.startNode(leader.nodeId());

        say("check the balances on every node with local reads");
        Map<String, BigDecimal> expected = new TreeMap<>(Map.of(
                "alice", new BigDecimal("70.00"), "bob", new BigDecimal("60.00"), "carol", new BigDecimal("20.00")));
        for (URI url : cluster.urls()) {
            ClusterStatus caughtUp = watch.awaitApplied(url, third.index(), ELECTION);
            AccountList local = client.node(url).accounts();
            Map<String, BigDecimal> balances = new TreeMap<>();
            for (Account a : local.accounts()) {
                balances.put(a.id(), a.balance());
            }
            check(sameAmounts(balances, expected), caughtUp.nodeId() + " has " + balances + ", expected " + expected);
            out.println("    " + caughtUp.nodeId() + ": alice 70.00, bob 60.00, carol 20.00 (total 150.00, as at the start)");
        }
        say("done: every node agrees, nothing was applied twice, nothing was lost");
        out.flush();
    }

    private void say(String text) {
        out.println(String.format("%2d. %s", ++step, text));
        out.flush();
    }

    private static TransferOutcome.Committed expectCommitted(TransferOutcome outcome) {
        if (outcome instanceof TransferOutcome.Committed c) {
            return c;
        }
        throw new CliFailure(ExitCodes.FAILURE, "expected COMMITTED, got " + outcome);
    }

    private static boolean sameAmounts(Map<String, BigDecimal> actual, Map<String, BigDecimal> expected) {
        if (!actual.keySet().equals(expected.keySet())) {
            return false;
        }
        return expected.entrySet().stream().allMatch(e -> actual.get(e.getKey()).compareTo(e.getValue()) == 0);
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new CliFailure(ExitCodes.FAILURE, "demo check failed: " + failure);
        }
    }

    /** Members n1..n3 on 127.0.0.1 with ports free now, so the demo runs beside a local cluster. */
    static List<Member> freeMembers(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * count; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            List<Member> members = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                members.add(new Member("n" + (i + 1),
                        new java.net.InetSocketAddress("127.0.0.1", held.get(2 * i).getLocalPort()),
                        new java.net.InetSocketAddress("127.0.0.1", held.get(2 * i + 1).getLocalPort())));
            }
            return members;
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp directory is harmless
        }
    }
}
