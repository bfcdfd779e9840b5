package io.raftkit.ledger.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A client of the ledger's HTTP API (DESIGN.md §6) that hides leader changes.
 *
 * <p>Give it any nodes of the cluster: it sends to the leader it learns from the
 * {@code Raft-Leader} header and {@code /cluster}, and fails over to the other nodes on connection
 * errors. Every call retries until it gets a definite answer or its deadline passes:
 * <ul>
 *   <li>a transfer is retried with the same msgId across timeouts, connection errors, leader
 *   changes and 503 {@code NO_LEADER} / {@code UNKNOWN_OUTCOME} / {@code OVERLOADED}, so it is
 *   applied at most once and its outcome is never lost silently: the call returns the outcome
 *   ({@link TransferOutcome.Committed} or {@link TransferOutcome.Rejected}), throws
 *   {@link LedgerErrorException} (409 {@code MSG_ID_CONFLICT}, 400), or throws
 *   {@link OutcomeUnknownException} naming the msgId to retry with;</li>
 *   <li>other calls return their result, throw {@link LedgerErrorException} (a definite error
 *   such as 404), or throw {@link LedgerUnavailableException} at the deadline.</li>
 * </ul>
 * Thread-safe: one client serves any number of threads.
 */
public final class LedgerClient {

    private static final String RAFT_LEADER = "Raft-Leader";
    private static final Duration MAX_BACKOFF = Duration.ofMillis(500);

    private final HttpClient http;
    private final LeaderTracker tracker;
    private final JsonCodec json = new JsonCodec();
    private final Duration requestTimeout;
    private final Duration deadline;

    private LedgerClient(Builder builder) {
        this.tracker = new LeaderTracker(builder.servers);
        this.requestTimeout = builder.requestTimeout;
        this.deadline = builder.deadline;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                .build();
    }

    /** A builder; {@link Builder#servers} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A client with the default timeouts for a comma-separated list of base URLs. */
    public static LedgerClient connect(String commaSeparatedUrls) {
        return builder().servers(parseServers(commaSeparatedUrls)).build();
    }

    /** Parses {@code http://h:p,h:p,...} into base URLs; a missing scheme means http. */
    public static List<URI> parseServers(String commaSeparatedUrls) {
        List<URI> servers = new ArrayList<>();
        for (String part : commaSeparatedUrls.split(",")) {
            String trimmed = part.trim();
            if (!trimmed.isEmpty()) {
                URI uri = LeaderTracker.toUrl(trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed);
                if (uri.getHost() == null || uri.getPort() < 0) {
                    throw new IllegalArgumentException("server '" + trimmed + "' is not host:port or http://host:port");
                }
                servers.add(uri);
            }
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no server given");
        }
        return servers;
    }

    /** The configured servers. */
    public List<URI> servers() {
        return tracker.seeds();
    }

    /** The leader the client currently sends to, if it knows one. */
    public Optional<URI> knownLeader() {
        return Optional.ofNullable(tracker.leader());
    }

    /**
     * Creates an account.
     *
     * @param initialBalance the opening balance, or null for the server's default (100.00)
     * @throws LedgerErrorException 409 {@code ACCOUNT_EXISTS} (the message says when an earlier
     *                              attempt of this same call may have created it), 400
     */
    public Account createAccount(String id, BigDecimal initialBalance) {
        byte[] body = json.write(json.accountCreation(id, initialBalance));
        return call("POST", "/accounts", body, true, null, (reply, ambiguous) -> {
            if (reply.status() == 201 || reply.status() == 200) {
                return JsonCodec.account(reply.body());
            }
            if (ambiguous && reply.code().equals("ACCOUNT_EXISTS")) {
                throw new LedgerErrorException(reply.status(), reply.code(), "account " + id
                        + " exists; an earlier attempt of this call, whose outcome was unknown, may have created it");
            }
            throw reply.error();
        }, "create account " + id);
    }

    /**
     * Submits a transfer and returns its definite outcome, retrying with the same msgId.
     *
     * @throws OutcomeUnknownException no definite outcome before the deadline; retry the same request
     * @throws LedgerErrorException    409 {@code MSG_ID_CONFLICT} (the msgId was used for another
     *                                 transfer), 400 {@code INVALID_AMOUNT} / {@code SAME_ACCOUNT} /
     *                                 {@code INVALID_MSG_ID}
     */
    public TransferOutcome transfer(TransferRequest request) {
        byte[] body = json.write(json.transfer(request));
        return call("POST", "/transfers", body, true, null, (reply, ambiguous) -> {
            if (reply.status() == 200 || reply.status() == 201 || reply.status() == 422) {
                if (reply.body() instanceof ObjectNode node && !node.hasNonNull("msgId")) {
                    node.put("msgId", request.msgId());
                }
                if (reply.status() == 422 && !reply.body().has("status")) {
                    throw reply.error();
                }
                return JsonCodec.outcome(reply.body());
            }
            throw reply.error();
        }, request.msgId());
    }

    /** The recorded outcome of a msgId (linearizable), or empty if the ledger has none. */
    public Optional<TransferOutcome> transferOutcome(String msgId) {
        return call("GET", "/transfers/" + segment(msgId), null, false, null,
                (reply, ambiguous) -> recordedOutcome(reply), "get transfer " + msgId);
    }

    /** An account (linearizable read). @throws LedgerErrorException 404 {@code ACCOUNT_NOT_FOUND} */
    public Account account(String id) {
        return call("GET", "/accounts/" + segment(id), null, false, null,
                (reply, ambiguous) -> accountReply(reply), "get account " + id);
    }

    /** Every account, in one linearizable read. */
    public AccountList accounts() {
        return call("GET", "/accounts", null, false, null,
                (reply, ambiguous) -> accountListReply(reply), "list accounts");
    }

    /** A page of the transfer history in log order (linearizable), after {@code afterIndex}. */
    public TransferPage history(long afterIndex, int limit) {
        return call("GET", historyPath(afterIndex, limit, false), null, false, null,
                (reply, ambiguous) -> historyReply(reply), "history");
    }

    /**
     * Adds a node to the cluster ({@code POST /cluster/members}), run by the leader: as a learner
     * only, or as a voter (a learner first, promoted once it has caught up). Start the node first
     * ({@code node --join}).
     *
     * @throws LedgerErrorException 400 {@code INVALID_MEMBER} / {@code INVALID_MEMBERSHIP_CHANGE} (e.g.
     *                              already a member: an earlier attempt of this call may have added it),
     *                              409 {@code MEMBERSHIP_CHANGE_REFUSED} (another change in flight, the
     *                              learner lags)
     */
    public Membership addMember(String id, String raftAddress, String httpAddress, boolean learner) {
        byte[] body = json.write(json.member(id, raftAddress, httpAddress, learner));
        return membershipCall("POST", "/cluster/members", body, "add member " + id);
    }

    /** Promotes a learner to voter ({@code POST /cluster/members/{id}/promote}); refused (409) while it lags. */
    public Membership promote(String id) {
        return membershipCall("POST", "/cluster/members/" + segment(id) + "/promote", new byte[0], "promote " + id);
    }

    /** Removes a member ({@code DELETE /cluster/members/{id}}). */
    public Membership removeMember(String id) {
        return membershipCall("DELETE", "/cluster/members/" + segment(id), null, "remove member " + id);
    }

    /** Moves leadership to the voter {@code id} ({@code POST /cluster/leader}); returns once it leads. */
    public void transferLeadership(String id) {
        byte[] body = json.write(json.leader(id));
        call("POST", "/cluster/leader", body, true, null, (reply, ambiguous) -> {
            if (reply.status() == 200) {
                return null;
            }
            throw reply.error();
        }, "transfer leadership to " + id);
    }

    private Membership membershipCall(String method, String path, byte[] body, String what) {
        return call(method, path, body, true, null, (reply, ambiguous) -> {
            if (reply.status() == 200) {
                return JsonCodec.membership(reply.body());
            }
            if (ambiguous) {
                throw new LedgerErrorException(reply.status(), reply.code(), reply.message()
                        + " (an earlier attempt of this call, whose outcome was unknown, may have done it:"
                        + " check with 'status')");
            }
            throw reply.error();
        }, what);
    }

    /** The cluster as a node that answers sees it (the leader's view when a leader is known). */
    public ClusterStatus clusterStatus() {
        return call("GET", "/cluster", null, false, null, (reply, ambiguous) -> statusReply(reply), "cluster status");
    }

    /**
     * Reads served by one node from its own applied state ({@code ?consistency=local}): possibly
     * stale, for inspection and for checking that replicas converge. Each call retries against
     * that node only, until the client's deadline.
     */
    public NodeReads node(URI node) {
        return new NodeReads(this, Objects.requireNonNull(node, "node"));
    }

    // --- the retry loop, shared by every call ---

    @FunctionalInterface
    interface ReplyHandler<T> {
        /** Maps a definite answer; {@code ambiguous}: an earlier attempt of this call may have been applied. */
        T handle(Reply reply, boolean ambiguous);
    }

    /**
     * Sends until a definite answer or the deadline.
     *
     * @param mutating    whether the request changes state (then a lost answer makes the outcome ambiguous)
     * @param fixedTarget send only to this node; null: follow the leader
     * @param what        the msgId for a transfer, a description otherwise
     */
    <T> T call(String method, String path, byte[] body, boolean mutating, URI fixedTarget,
               ReplyHandler<T> handler, String what) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        boolean ambiguous = false;
        String lastProblem = "no answer";
        Exception lastCause = null;
        int failuresInARow = 0;
        boolean transfer = mutating && path.equals("/transfers");
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                String detail = "no definite answer within " + deadline.toMillis() + " ms; last: " + lastProblem;
                if (transfer) {
                    throw new OutcomeUnknownException(what, detail, lastCause);
                }
                throw new LedgerUnavailableException(what + ": " + detail
                        + (mutating && ambiguous ? "; it may or may not have been applied" : ""), lastCause);
            }
            URI target = fixedTarget != null ? fixedTarget : tracker.target();
            Duration timeout = Duration.ofNanos(Math.min(requestTimeout.toNanos(), remaining));
            try {
                Reply reply = send(method, target, path, body, timeout);
                if (fixedTarget == null) {
                    learnLeader(reply);
                }
                if (reply.definite()) {
                    return handler.handle(reply, ambiguous);
                }
                lastProblem = reply.describe();
                lastCause = null;
                if (mutating && !reply.certainlyNotApplied()) {
                    ambiguous = true;
                }
                if (fixedTarget == null && (reply.raftLeader() == null || reply.raftLeader().isBlank())) {
                    tracker.failed(target);   // it knows no leader: stop preferring it
                }
                failuresInARow++;
                pause(backoff(failuresInARow, reply.retryAfter()), deadlineNanos);
            } catch (ConnectException | HttpConnectTimeoutException e) {
                // the request never left: not ambiguous; try the next node at once, pause after a full round
                lastProblem = "cannot connect to " + target + " (" + e.getClass().getSimpleName() + ")";
                lastCause = e;
                tracker.failed(target);
                failuresInARow++;
                if (fixedTarget != null || failuresInARow % tracker.size() == 0) {
                    pause(backoff(failuresInARow / tracker.size(), null), deadlineNanos);
                }
            } catch (HttpTimeoutException e) {
                lastProblem = "no answer from " + target + " within " + timeout.toMillis() + " ms";
                lastCause = e;
                ambiguous |= mutating;
                tracker.failed(target);
                failuresInARow++;
            } catch (IOException e) {
                lastProblem = "connection to " + target + " failed (" + e + ")";
                lastCause = e;
                ambiguous |= mutating;
                tracker.failed(target);
                failuresInARow++;
                pause(backoff(failuresInARow, null), deadlineNanos);
            }
        }
    }

    private Reply send(String method, URI base, String path, byte[] body, Duration timeout) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted while waiting for " + base, e);
        }
        Duration retryAfter = response.headers().firstValue("Retry-After").map(LedgerClient::seconds).orElse(null);
        return new Reply(base, response.statusCode(), json.read(response.body()),
                response.headers().firstValue(RAFT_LEADER).orElse(null), retryAfter);
    }

    private void learnLeader(Reply reply) {
        if (tracker.leaderHeader(reply.raftLeader())) {
            // a leader id we cannot map to a URL yet: learn the member list from the node that answered
            try {
                Reply cluster = send("GET", reply.from(), "/cluster", null, requestTimeout);
                if (cluster.status() == 200) {
                    tracker.members(JsonCodec.clusterStatus(cluster.body()));
                    tracker.leaderHeader(reply.raftLeader());
                }
            } catch (IOException | RuntimeException e) {
                // only a hint: the next request goes to another server in turn
            }
        }
    }

    private static Duration seconds(String header) {
        try {
            return Duration.ofSeconds(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Exponential with jitter, capped; a server's Retry-After (capped too) when it gives one. */
    private static Duration backoff(int failures, Duration retryAfter) {
        long capMillis = MAX_BACKOFF.toMillis();
        long millis = retryAfter != null
                ? Math.min(retryAfter.toMillis(), 2 * capMillis)
                : Math.min(capMillis, 10L << Math.min(failures, 10));
        return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
    }

    private static void pause(Duration delay, long deadlineNanos) {
        long nanos = Math.min(delay.toNanos(), deadlineNanos - System.nanoTime());
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerUnavailableException("interrupted", e);
        }
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String historyPath(long afterIndex, int limit, boolean local) {
        return "/transfers?afterIndex=" + afterIndex + "&limit=" + limit + (local ? "&consistency=local" : "");
    }

    static Account accountReply(Reply reply) {
        if (reply.status() == 200) {
            return JsonCodec.account(reply.body());
        }
        throw reply.error();
    }

    static AccountList accountListReply(Reply reply) {
        if (reply.status() == 200) {
            return JsonCodec.accountList(reply.body());
        }
        throw reply.error();
    }

    static TransferPage historyReply(Reply reply) {
        if (reply.status() == 200) {
            return JsonCodec.transferPage(reply.body());
        }
        throw reply.error();
    }

    static Optional<TransferOutcome> recordedOutcome(Reply reply) {
        if (reply.status() == 200) {
            return Optional.of(JsonCodec.outcome(reply.body()));
        }
        if (reply.status() == 404) {
            return Optional.empty();
        }
        throw reply.error();
    }

    ClusterStatus statusReply(Reply reply) {
        if (reply.status() == 200) {
            ClusterStatus status = JsonCodec.clusterStatus(reply.body());
            tracker.members(status);
            return status;
        }
        throw reply.error();
    }

    /** Builds a {@link LedgerClient}. */
    public static final class Builder {
        private List<URI> servers = List.of();
        private Duration requestTimeout = Duration.ofSeconds(5);
        private Duration connectTimeout = Duration.ofSeconds(1);
        private Duration deadline = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The base URLs of some or all nodes ({@code http://host:port}). */
        public Builder servers(List<URI> servers) {
            this.servers = List.copyOf(servers);
            return this;
        }

        /** How long one attempt waits for an answer (default 5 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /** How long connecting to one node may take (default 1 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** How long one call may retry before giving up (default 30 s). */
        public Builder deadline(Duration deadline) {
            this.deadline = positive(deadline, "deadline");
            return this;
        }

        public LedgerClient build() {
            return new LedgerClient(this);
        }

        private static Duration positive(Duration value, String field) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(field + " must be positive, got " + value);
            }
            return value;
        }
    }
}
