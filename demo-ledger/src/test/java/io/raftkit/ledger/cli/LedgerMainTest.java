package io.raftkit.ledger.cli;

import static io.raftkit.ledger.client.FakeNode.Answer.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.ledger.client.FakeNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class LedgerMainTest {

    private static final String COMMITTED = """
            {"msgId":"m-1","status":"COMMITTED","from":"alice","to":"bob","amount":"12.50","index":7,"term":2,
             "createdAt":"2026-11-30T12:00:00Z","duplicate":false}""";

    private final FakeNode node = newNode();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @AfterEach
    void close() {
        node.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "local", "node", "account", "account create", "balance", "accounts", "transfer",
            "history", "status", "demo", "bench", "member", "member add", "member promote", "member remove",
            "leader", "leader transfer"})
    void everyCommandHasHelp(String command) {
        String[] args = (command + " --help").trim().split(" ");

        assertThat(run(args)).isZero();
        assertThat(out.toString()).contains("Usage: ledger").contains("--help");
    }

    @Test
    void transferWithoutMsgIdPrintsTheGeneratedOneFirstAndSendsIt() {
        node.on("POST /transfers", json(200, COMMITTED));

        int code = run("transfer", "--server", node.url().toString(), "--from", "alice", "--to", "bob", "--amount", "12.50");

        assertThat(code).isZero();
        String[] lines = out.toString().split("\\R");
        assertThat(lines[0]).startsWith("msgId ");
        String msgId = lines[0].substring("msgId ".length());
        assertThat(node.received().get(0).body()).contains("\"msgId\":\"" + msgId + "\"");
        assertThat(lines[1]).startsWith("COMMITTED alice -> bob 12.50").contains("index 7");
    }

    @Test
    void rejectedTransferExitsThreeWithOneLine() {
        node.on("POST /transfers", json(422, "{\"msgId\":\"x\",\"status\":\"REJECTED\",\"reason\":\"INSUFFICIENT_FUNDS\"}"));

        int code = run("transfer", "--server", node.url().toString(), "--from", "a", "--to", "b", "--amount", "1", "--msg-id", "x");

        assertThat(code).isEqualTo(ExitCodes.REJECTED);
        assertThat(err.toString().strip()).isEqualTo("REJECTED INSUFFICIENT_FUNDS msgId x");
    }

    @Test
    void transferWithNoReachableNodeExitsFourNamingTheMsgIdWithoutAStackTrace() throws IOException {
        int code = run("transfer", "--server", deadUrl(), "--timeout", "300ms", "--from", "a", "--to", "b",
                "--amount", "1", "--msg-id", "retry-me");

        assertThat(code).isEqualTo(ExitCodes.OUTCOME_UNKNOWN);
        assertThat(err.toString().lines().toList()).singleElement()
                .satisfies(line -> assertThat(line).startsWith("error: ").contains("retry-me").contains("unknown"));
    }

    @Test
    void definiteErrorExitsOneWithTheCode() {
        node.on("GET /accounts/zed", json(404, "{\"error\":\"ACCOUNT_NOT_FOUND\",\"message\":\"no account zed\"}"));

        int code = run("balance", "--server", node.url().toString(), "zed");

        assertThat(code).isEqualTo(ExitCodes.FAILURE);
        assertThat(err.toString().strip()).isEqualTo("error: 404 ACCOUNT_NOT_FOUND: no account zed");
    }

    @Test
    void amountWithThreeFractionDigitsIsAUsageError() {
        int code = run("transfer", "--from", "a", "--to", "b", "--amount", "1.005");

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("more than two fraction digits");
        assertThat(node.received()).isEmpty();
    }

    @Test
    void accountsPrintsEachAccountAndTheTotal() {
        node.on("GET /accounts", json(200, "{\"index\":12,\"accounts\":[{\"id\":\"alice\",\"balance\":\"87.5\"},"
                + "{\"id\":\"bob\",\"balance\":\"62.50\"}]}"));

        assertThat(run("accounts", "--server", node.url().toString())).isZero();

        assertThat(out.toString()).contains("alice").contains("87.50").contains("2 accounts, total 150.00, read at index 12");
    }

    @Test
    void statusReportsAnUnreachableNodeAndTheOthers() throws IOException {
        node.on("GET /cluster", json(200, "{\"nodeId\":\"n1\",\"role\":\"LEADER\",\"term\":4,\"leaderId\":\"n1\","
                + "\"commitIndex\":9,\"appliedIndex\":9,\"members\":[]}"));

        assertThat(run("status", "--server", node.url() + "," + deadUrl())).isZero();

        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).contains("n1").contains("LEADER").contains("4");
        assertThat(lines.get(2)).contains("unreachable");
    }

    @Test
    void memberAddPostsTheNewMemberAndPrintsTheConfiguration() {
        node.on("POST /cluster/members", json(200, "{\"voters\":[\"n1\",\"n2\",\"n3\"],\"learners\":[\"n4\"]}"));

        assertThat(run("member", "add", "n4", "--raft", "10.0.0.4:7001", "--http", "10.0.0.4:8081", "--learner",
                "--server", node.url().toString())).isZero();

        assertThat(out.toString()).contains("added n4 as a learner").contains("voters n1,n2,n3; learners n4");
        FakeNode.Received sent = node.received().get(0);
        assertThat(sent.body()).contains("\"id\":\"n4\"").contains("\"raftAddress\":\"10.0.0.4:7001\"")
                .contains("\"httpAddress\":\"10.0.0.4:8081\"").contains("\"learner\":true");
    }

    @Test
    void refusedPromotionExitsNonZeroWithTheServersReason() {
        node.on("POST /cluster/members/n4/promote", json(409, "{\"error\":\"MEMBERSHIP_CHANGE_REFUSED\","
                + "\"message\":\"learner n4 lags the leader by 5000 entries\"}"));

        assertThat(run("member", "promote", "n4", "--server", node.url().toString())).isNotZero();

        assertThat(err.toString()).contains("lags the leader");
    }

    @Test
    void memberRemoveAndLeaderTransferUseTheirRoutes() {
        node.on("DELETE /cluster/members/n2", json(200, "{\"voters\":[\"n1\",\"n3\"],\"learners\":[]}"));
        node.on("POST /cluster/leader", json(200, "{\"leaderId\":\"n3\"}"));

        assertThat(run("member", "remove", "n2", "--server", node.url().toString())).isZero();
        assertThat(run("leader", "transfer", "n3", "--server", node.url().toString())).isZero();

        assertThat(out.toString()).contains("removed n2: voters n1,n3").contains("leader is now n3");
        assertThat(node.received().get(1).body()).contains("\"id\":\"n3\"");
    }

    @Test
    void durationsAcceptUnits() {
        DurationConverter converter = new DurationConverter();
        assertThat(converter.convert("30s").toSeconds()).isEqualTo(30);
        assertThat(converter.convert("250ms").toMillis()).isEqualTo(250);
        assertThat(converter.convert("2m").toSeconds()).isEqualTo(120);
        assertThat(converter.convert("PT1S").toSeconds()).isEqualTo(1);
    }

    private int run(String... args) {
        CommandLine cli = LedgerMain.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static String deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static FakeNode newNode() {
        try {
            return new FakeNode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
