package io.raftkit.ledger.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.raftkit.ledger.client.Account;
import io.raftkit.ledger.client.ClusterStatus;
import io.raftkit.ledger.client.LedgerClient;
import io.raftkit.ledger.client.LedgerClientException;
import io.raftkit.ledger.client.OutcomeUnknownException;
import io.raftkit.ledger.client.TransferOutcome;
import io.raftkit.ledger.client.TransferRequest;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar as three separate node processes on 127.0.0.1: concurrent transfers through
 * {@link LedgerClient} while the leader is SIGKILLed and restarted, twice; then every replica is
 * checked with local reads. Runs after {@code package} (failsafe), as it needs the shaded jar.
 */
class LedgerProcessIT {

    private static final int ACCOUNTS = 12;
    private static final BigDecimal INITIAL = new BigDecimal("100.00");
    private static final int WORKERS = 8;
    private static final Duration CLUSTER_WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private final Map<String, Process> processes = new ConcurrentHashMap<>();
    private final Map<String, URI> urls = new LinkedHashMap<>();
    private String clusterSpec;

    private final Map<String, TransferOutcome.Committed> committed = new ConcurrentHashMap<>();
    private final Map<String, TransferOutcome.Rejected> rejected = new ConcurrentHashMap<>();
    private final Map<String, TransferRequest> sent = new ConcurrentHashMap<>();
    private final Queue<TransferRequest> unknown = new ConcurrentLinkedQueue<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @AfterEach
    void stopProcesses() throws Exception {
        running.set(false);
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (String id : urls.keySet()) {
            dumpTail(root.resolve(id + ".out"));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void transfersSurviveLeaderKillsExactlyOnceOnEveryReplica() throws Exception {
        startCluster();
        LedgerClient client = LedgerClient.builder().servers(List.copyOf(urls.values()))
                .requestTimeout(Duration.ofSeconds(3)).deadline(Duration.ofSeconds(20)).build();
        awaitLeader(null);
        for (int i = 0; i < ACCOUNTS; i++) {
            client.createAccount(account(i), INITIAL);
        }

        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        for (int w = 0; w < WORKERS; w++) {
            workers.execute(() -> transferLoop(client));
        }
        for (int round = 0; round < 2; round++) {
            awaitMoreCommitted(30);
            String leader = awaitLeader(null).nodeId();
            processes.remove(leader).destroyForcibly().waitFor();   // SIGKILL: no shutdown hook runs
            awaitLeader(leader);
            awaitMoreCommitted(30);
            start(leader);
        }
        awaitMoreCommitted(30);
        running.set(false);
        workers.shutdown();
        assertThat(workers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).as("transfers that failed with a definite error").isEmpty();

        // an outcome the client could not learn before its deadline: the same msgId tells it now
        for (TransferRequest request : unknown) {
            record(request, client.transfer(request));
        }
        assertThat(committed).hasSizeGreaterThan(90);
        System.out.printf("committed %d, rejected %d, outcome unknown at first %d%n", committed.size(), rejected.size(),
                unknown.size());

        checkDuplicatesAnswerTheRecordedOutcome(client);
        long commitIndex = awaitLeader(null).commitIndex();
        for (URI url : urls.values()) {
            await().atMost(CLUSTER_WAIT).until(() -> status(url).map(s -> s.appliedIndex() >= commitIndex).orElse(false));
        }
        checkReplicas(client);
    }

    private void transferLoop(LedgerClient client) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running.get()) {
            int from = random.nextInt(ACCOUNTS);
            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(4000), 2);   // 0.01 .. 40.00: some rejections
            TransferRequest request = TransferRequest.withNewMsgId(account(from), account(to), amount);
            sent.put(request.msgId(), request);
            try {
                record(request, client.transfer(request));
            } catch (OutcomeUnknownException e) {
                unknown.add(request);
            } catch (Throwable e) {
                failures.add(e);   // a definite error (409, 400) or a failed check: reported by the test
                return;
            }
        }
    }

    private void record(TransferRequest request, TransferOutcome outcome) {
        assertThat(outcome.msgId()).isEqualTo(request.msgId());
        if (outcome instanceof TransferOutcome.Committed c) {
            assertThat(c.amount()).isEqualByComparingTo(request.amount());
            committed.put(c.msgId(), c);
        } else {
            rejected.put(outcome.msgId(), (TransferOutcome.Rejected) outcome);
        }
    }

    private void checkDuplicatesAnswerTheRecordedOutcome(LedgerClient client) {
        List<String> some = committed.keySet().stream().limit(25).toList();
        for (String msgId : some) {
            TransferOutcome again = client.transfer(sent.get(msgId));
            assertThat(again.duplicate()).as("repeat of %s", msgId).isTrue();
            TransferOutcome.Committed first = committed.get(msgId);
            assertThat(again).isInstanceOfSatisfying(TransferOutcome.Committed.class, c -> {
                assertThat(c.index()).isEqualTo(first.index());
                assertThat(c.term()).isEqualTo(first.term());
                assertThat(c.amount()).isEqualByComparingTo(first.amount());
            });
        }
        for (String msgId : rejected.keySet().stream().limit(10).toList()) {
            TransferOutcome again = client.transfer(sent.get(msgId));
            assertThat(again.duplicate()).isTrue();
            assertThat(again).isInstanceOfSatisfying(TransferOutcome.Rejected.class,
                    r -> assertThat(r.reason()).isEqualTo(rejected.get(msgId).reason()));
        }
    }

    private void checkReplicas(LedgerClient client) {
        Map<String, BigDecimal> referenceBalances = null;
        List<TransferOutcome> referenceHistory = null;
        for (Map.Entry<String, URI> node : urls.entrySet()) {
            Map<String, BigDecimal> balances = new TreeMap<>();
            for (Account a : client.node(node.getValue()).accounts().accounts()) {
                balances.put(a.id(), a.balance().setScale(2));
            }
            List<TransferOutcome> history = client.node(node.getValue()).fullHistory();
            String who = node.getKey();

            assertThat(balances).as("accounts on %s", who).hasSize(ACCOUNTS);
            assertThat(balances.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add))
                    .as("money on %s", who).isEqualByComparingTo(INITIAL.multiply(BigDecimal.valueOf(ACCOUNTS)));
            assertThat(balances.values()).as("balances on %s", who).allSatisfy(b -> assertThat(b.signum()).isNotNegative());

            List<TransferOutcome.Committed> moves = history.stream()
                    .filter(t -> t instanceof TransferOutcome.Committed).map(t -> (TransferOutcome.Committed) t).toList();
            Map<String, Long> copies = moves.stream().collect(Collectors.groupingBy(TransferOutcome.Committed::msgId,
                    Collectors.counting()));
            assertThat(copies.values()).as("each msgId once in the history of %s", who).allMatch(n -> n == 1);
            assertThat(copies.keySet()).as("acknowledged transfers in the history of %s", who)
                    .containsAll(committed.keySet());
            assertThat(sent.keySet()).as("every transfer in the history of %s was sent by this test, under its msgId", who)
                    .containsAll(copies.keySet());
            for (TransferOutcome.Committed c : moves) {
                assertThat(rejected).as("%s committed on %s but acknowledged as rejected", c.msgId(), who)
                        .doesNotContainKey(c.msgId());
                TransferOutcome.Committed acknowledged = committed.get(c.msgId());
                if (acknowledged != null) {
                    assertThat(c.index()).isEqualTo(acknowledged.index());
                }
            }
            assertThat(replay(moves)).as("balances on %s are the replay of its history", who).isEqualTo(balances);
            for (String msgId : rejected.keySet().stream().limit(20).toList()) {
                assertThat(client.node(node.getValue()).transferOutcome(msgId))
                        .as("rejection %s recorded on %s", msgId, who)
                        .hasValueSatisfying(o -> assertThat(o).isInstanceOf(TransferOutcome.Rejected.class));
            }

            if (referenceBalances == null) {
                referenceBalances = balances;
                referenceHistory = withoutDuplicateFlag(history);
            } else {
                assertThat(balances).as("balances of %s equal the first node's", who).isEqualTo(referenceBalances);
                assertThat(withoutDuplicateFlag(history)).as("history of %s equals the first node's", who)
                        .isEqualTo(referenceHistory);
            }
        }
    }

    private static Map<String, BigDecimal> replay(List<TransferOutcome.Committed> moves) {
        Map<String, BigDecimal> balances = new TreeMap<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            balances.put(account(i), INITIAL);
        }
        for (TransferOutcome.Committed c : moves) {
            balances.merge(c.from(), c.amount().negate(), BigDecimal::add);
            balances.merge(c.to(), c.amount(), BigDecimal::add);
        }
        balances.replaceAll((k, v) -> v.setScale(2));
        return balances;
    }

    private static List<TransferOutcome> withoutDuplicateFlag(List<TransferOutcome> history) {
        List<TransferOutcome> normalized = new ArrayList<>();
        for (TransferOutcome t : history) {
            if (t instanceof TransferOutcome.Committed c) {
                normalized.add(new TransferOutcome.Committed(c.msgId(), c.from(), c.to(), c.amount().setScale(2),
                        c.index(), c.term(), c.createdAt(), false));
            } else {
                TransferOutcome.Rejected r = (TransferOutcome.Rejected) t;
                normalized.add(new TransferOutcome.Rejected(r.msgId(), r.reason(), r.from(), r.to(),
                        r.amount() == null ? null : r.amount().setScale(2), r.index(), false));
            }
        }
        return normalized;
    }

    private void awaitMoreCommitted(int more) {
        int target = committed.size() + more;
        await().atMost(CLUSTER_WAIT).until(() -> committed.size() >= target);
    }

    private ClusterStatus awaitLeader(String notThis) {
        return await().atMost(CLUSTER_WAIT).until(() -> {
            for (URI url : urls.values()) {
                Optional<ClusterStatus> s = status(url);
                if (s.isPresent() && ClusterWatch.isLeader(s.get()) && !s.get().nodeId().equals(notThis)) {
                    return s.get();
                }
            }
            return null;
        }, s -> s != null);
    }

    private Optional<ClusterStatus> status(URI url) {
        try {
            return Optional.of(LedgerClient.builder().servers(List.of(url)).deadline(Duration.ofMillis(500))
                    .requestTimeout(Duration.ofMillis(500)).build().node(url).clusterStatus());
        } catch (LedgerClientException e) {
            return Optional.empty();
        }
    }

    private void startCluster() throws IOException {
        List<Integer> ports = freePorts(6);
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = "n" + (i + 1);
            members.add(id + "=127.0.0.1:" + ports.get(2 * i) + "/127.0.0.1:" + ports.get(2 * i + 1));
            urls.put(id, URI.create("http://127.0.0.1:" + ports.get(2 * i + 1)));
        }
        clusterSpec = String.join(",", members);
        for (String id : urls.keySet()) {
            start(id);
        }
    }

    private void start(String id) throws IOException {
        String jar = System.getProperty("ledger.jar", "target/demo-ledger.jar");
        assertThat(Path.of(jar)).as("the shaded jar (run after package)").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-Xmx256m", "-jar", jar, "node", "--id", id,
                "--data", root.resolve(id).toString(), "--cluster", clusterSpec)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(id + ".out").toFile()))
                .start();
        processes.put(id, process);
    }

    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static String account(int i) {
        return "acct-" + i;
    }

    private static void dumpTail(Path file) throws IOException {
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            System.out.println("--- " + file.getFileName() + " (last lines)");
            lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(System.out::println);
        }
    }
}
