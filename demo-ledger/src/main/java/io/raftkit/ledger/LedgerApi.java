package io.raftkit.ledger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.ledger.proto.Account;
import io.raftkit.ledger.proto.QueryResult;
import io.raftkit.ledger.proto.Result;
import io.raftkit.ledger.proto.TransferRecord;
import io.raftkit.ledger.proto.TransferStatus;
import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerStatus;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's HTTP API (DESIGN.md §6), independent of Netty: a request in, a future answer out.
 * Futures are completed on {@code loop} (the connection's event loop) and nothing here blocks:
 * Raft futures, forwarding and waiting for a leader are all chained or scheduled.
 */
final class LedgerApi {

    private static final Logger log = LoggerFactory.getLogger(LedgerApi.class);
    private static final Duration LEADER_POLL = Duration.ofMillis(50);
    private static final Set<String> ACCOUNT_FIELDS = Set.of("id", "initialBalance");
    private static final Set<String> TRANSFER_FIELDS = Set.of("msgId", "from", "to", "amount");
    private static final String DEFAULT_INITIAL_BALANCE = "100.00";

    private final LedgerNodeConfig config;
    private final RaftServer server;
    private final LedgerStateMachine stateMachine;
    private final LeaderForwarder forwarder;
    private final PrometheusMeterRegistry registry;
    private final DashboardRoutes dashboard;
    private final ClusterMembers members;
    private static final Set<String> MEMBER_FIELDS = Set.of("id", "raftAddress", "httpAddress", "learner");
    private static final Set<String> LEADER_FIELDS = Set.of("id");

    LedgerApi(LedgerNodeConfig config, RaftServer server, LedgerStateMachine stateMachine, LeaderForwarder forwarder,
              PrometheusMeterRegistry registry, DashboardRoutes dashboard) {
        this.config = config;
        this.dashboard = dashboard;
        this.server = server;
        this.stateMachine = stateMachine;
        this.forwarder = forwarder;
        this.registry = registry;
        this.members = new ClusterMembers(config, server);
    }

    /** The route template of a path, for metrics (bounded cardinality). */
    static String routeOf(String path) {
        if (path.startsWith("/accounts/")) {
            return "/accounts/{id}";
        }
        if (path.startsWith("/transfers/")) {
            return "/transfers/{msgId}";
        }
        if (DashboardRoutes.owns(path)) {
            return DashboardRoutes.routeOf(path);
        }
        if (path.startsWith("/cluster/members/")) {
            return path.endsWith("/promote") ? "/cluster/members/{id}/promote" : "/cluster/members/{id}";
        }
        return switch (path) {
            case "/events", "/accounts", "/transfers", "/cluster", "/metrics", "/health", "/ready",
                 "/cluster/members", "/cluster/leader" -> path;
            default -> "other";
        };
    }

    /** Answers a request; the future never fails (an unexpected error becomes a 500). */
    CompletableFuture<ApiResponse> handle(ApiRequest r, ScheduledExecutorService loop) {
        try {
            return route(r, loop);
        } catch (ApiException e) {
            return CompletableFuture.completedFuture(error(e));
        } catch (RuntimeException e) {
            log.error("{}: {} {} failed", config.nodeId(), r.method(), Json.truncate(r.uri()), e);
            return CompletableFuture.completedFuture(error(new ApiException(500, "INTERNAL", "internal error: " + e)));
        }
    }

    private CompletableFuture<ApiResponse> route(ApiRequest r, ScheduledExecutorService loop) {
        String path = r.path();
        if (DashboardRoutes.owns(path)) {
            return dashboard.handle(r, loop);
        }
        switch (path) {
            case "/events":
                // served as a stream by the HTTP handler; only another method gets here
                requireMethod(r, "GET");
                throw new IllegalStateException("GET /events must be streamed");
            case "/health":
                requireMethod(r, "GET");
                return done(health());
            case "/ready":
                requireMethod(r, "GET");
                return done(ready());
            case "/cluster":
                requireMethod(r, "GET");
                return done(cluster());
            case "/metrics":
                requireMethod(r, "GET");
                return done(ApiResponse.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
            case "/accounts":
                requireMethod(r, "GET", "POST");
                return r.method().equals("POST") ? createAccount(r, loop)
                        : read(r, loop, LedgerCodec.listAccounts(), this::renderAccounts);
            case "/transfers":
                requireMethod(r, "GET", "POST");
                return r.method().equals("POST") ? transfer(r, loop) : listTransfers(r, loop);
            case "/cluster/members":
                requireMethod(r, "POST");
                return addMember(r, loop);
            case "/cluster/leader":
                requireMethod(r, "POST");
                return transferLeadership(r, loop);
            default:
                break;
        }
        if (path.startsWith("/cluster/members/")) {
            String rest = path.substring("/cluster/members/".length());
            if (rest.endsWith("/promote")) {
                requireMethod(r, "POST");
                String id = memberId(decodePathSegment(rest.substring(0, rest.length() - "/promote".length())));
                return membershipChange(r, loop, () -> server.promote(id));
            }
            requireMethod(r, "DELETE");
            String id = memberId(decodePathSegment(rest));
            return membershipChange(r, loop, () -> server.removeMember(id));
        }
        if (path.startsWith("/accounts/")) {
            requireMethod(r, "GET");
            String id = decodePathSegment(path.substring("/accounts/".length()));
            if (!Ids.isValidAccountId(id)) {
                throw ApiException.badRequest("INVALID_ACCOUNT_ID", invalidAccountId("id", id));
            }
            return read(r, loop, LedgerCodec.getAccount(id), q -> renderAccount(id, q));
        }
        if (path.startsWith("/transfers/")) {
            requireMethod(r, "GET");
            String msgId = decodePathSegment(path.substring("/transfers/".length()));
            if (!Ids.isValidMsgId(msgId)) {
                throw ApiException.badRequest("INVALID_MSG_ID", invalidMsgId(msgId));
            }
            return read(r, loop, LedgerCodec.getTransfer(msgId), q -> renderTransfer(msgId, q));
        }
        throw new ApiException(404, "NOT_FOUND", "no route " + Json.truncate(path));
    }

    // ---------------------------------------------------------------- writes

    private CompletableFuture<ApiResponse> createAccount(ApiRequest r, ScheduledExecutorService loop) {
        ObjectNode body = Json.object(r.body(), ACCOUNT_FIELDS);
        String id = Json.string(body, "id", "INVALID_ACCOUNT_ID");
        if (!Ids.isValidAccountId(id)) {
            throw ApiException.badRequest("INVALID_ACCOUNT_ID", invalidAccountId("id", id));
        }
        String initial = Json.string(body, "initialBalance", "INVALID_AMOUNT");
        long cents = parseAmount("initialBalance", initial == null ? DEFAULT_INITIAL_BALANCE : initial);
        byte[] command = LedgerCodec.createAccount(id, cents);
        return viaLeader(r, loop, true, status -> server.submit(command).thenApply(this::renderResult));
    }

    private CompletableFuture<ApiResponse> transfer(ApiRequest r, ScheduledExecutorService loop) {
        ObjectNode body = Json.object(r.body(), TRANSFER_FIELDS);
        String msgId = Json.string(body, "msgId", "INVALID_MSG_ID");
        if (!Ids.isValidMsgId(msgId)) {
            throw ApiException.badRequest("INVALID_MSG_ID", invalidMsgId(msgId));
        }
        String from = Json.string(body, "from", "INVALID_ACCOUNT_ID");
        if (!Ids.isValidAccountId(from)) {
            throw ApiException.badRequest("INVALID_ACCOUNT_ID", invalidAccountId("from", from));
        }
        String to = Json.string(body, "to", "INVALID_ACCOUNT_ID");
        if (!Ids.isValidAccountId(to)) {
            throw ApiException.badRequest("INVALID_ACCOUNT_ID", invalidAccountId("to", to));
        }
        String amountText = Json.string(body, "amount", "INVALID_AMOUNT");
        if (amountText == null) {
            throw ApiException.badRequest("INVALID_AMOUNT", "\"amount\" is required, e.g. \"12.50\"");
        }
        long amount = parseAmount("amount", amountText);
        if (amount == 0) {
            throw ApiException.badRequest("INVALID_AMOUNT", "\"amount\" must be positive");
        }
        if (from.equals(to)) {
            throw ApiException.badRequest("SAME_ACCOUNT", "\"from\" and \"to\" are the same account " + from);
        }
        // the term and the clock are the accepting leader's, decided here and carried in the command
        return viaLeader(r, loop, true, status -> server.submit(LedgerCodec.transfer(msgId, from, to, amount,
                status.term(), System.currentTimeMillis())).thenApply(this::renderResult));
    }

    private ApiResponse renderResult(byte[] bytes) {
        Result result;
        try {
            result = Result.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("undecodable ledger result", e);
        }
        switch (result.getBodyCase()) {
            case ACCOUNT_CREATED:
                return ApiResponse.json(201, Json.bytes(Json.account(result.getAccountCreated())));
            case ACCOUNT_EXISTS:
                return error(new ApiException(409, "ACCOUNT_EXISTS", "account " + result.getAccountExists()
                        + " already exists"));
            case TRANSFER: {
                TransferRecord rec = result.getTransfer().getRecord();
                int status = rec.getStatus() == TransferStatus.COMMITTED ? 200 : 422;
                return ApiResponse.json(status, Json.bytes(Json.transfer(rec, result.getTransfer().getDuplicate())));
            }
            case MSG_ID_CONFLICT: {
                TransferRecord rec = result.getMsgIdConflict();
                return error(new ApiException(409, "MSG_ID_CONFLICT", "msgId " + rec.getMsgId()
                        + " is already recorded for a transfer of " + Money.format(rec.getAmountCents()) + " from "
                        + rec.getFrom() + " to " + rec.getTo() + "; use a new msgId for a different transfer"));
            }
            case INVALID:
                return error(ApiException.badRequest("INVALID_REQUEST", result.getInvalid()));
            default:
                throw new IllegalStateException("empty ledger result");
        }
    }

    // ---------------------------------------------------------------- reads

    private CompletableFuture<ApiResponse> listTransfers(ApiRequest r, ScheduledExecutorService loop) {
        long after = parseNonNegative("afterIndex", r.param("afterIndex"), 0);
        long limit = parseNonNegative("limit", r.param("limit"), 100);
        if (limit < 1 || limit > LedgerStateMachine.MAX_LIST_LIMIT) {
            throw ApiException.badRequest("INVALID_REQUEST", "limit must be 1.." + LedgerStateMachine.MAX_LIST_LIMIT);
        }
        return read(r, loop, LedgerCodec.listTransfers(after, (int) limit), this::renderTransfers);
    }

    /** A read: linearizable at the leader by default, or from this node's state with consistency=local. */
    private CompletableFuture<ApiResponse> read(ApiRequest r, ScheduledExecutorService loop, byte[] query,
                                                Function<QueryResult, ApiResponse> render) {
        String consistency = r.param("consistency");
        if (consistency != null && !consistency.equals("local") && !consistency.equals("linearizable")) {
            throw ApiException.badRequest("INVALID_REQUEST", "consistency must be local or linearizable");
        }
        if ("local".equals(consistency)) {
            return done(render.apply(parseQueryResult(stateMachine.query(query))));
        }
        return viaLeader(r, loop, false, status -> server.query(query)
                .thenApply(bytes -> render.apply(parseQueryResult(bytes))));
    }

    private ApiResponse renderAccount(String id, QueryResult q) {
        if (!q.getAccount().getFound()) {
            return error(new ApiException(404, "ACCOUNT_NOT_FOUND", "no account " + id));
        }
        return ApiResponse.json(200, Json.bytes(Json.account(q.getAccount().getAccount())));
    }

    private ApiResponse renderAccounts(QueryResult q) {
        ObjectNode o = Json.object();
        o.put("index", q.getAccounts().getIndex());
        ArrayNode list = o.putArray("accounts");
        for (Account a : q.getAccounts().getAccountsList()) {
            list.add(Json.account(a));
        }
        return ApiResponse.json(200, Json.bytes(o));
    }

    private ApiResponse renderTransfer(String msgId, QueryResult q) {
        if (!q.getTransfer().getFound()) {
            return error(new ApiException(404, "TRANSFER_NOT_FOUND", "no transfer with msgId " + msgId));
        }
        return ApiResponse.json(200, Json.bytes(Json.transfer(q.getTransfer().getRecord(), null)));
    }

    private ApiResponse renderTransfers(QueryResult q) {
        ObjectNode o = Json.object();
        ArrayNode list = o.putArray("transfers");
        for (TransferRecord t : q.getTransfers().getTransfersList()) {
            list.add(Json.transfer(t, null));
        }
        o.put("nextAfterIndex", q.getTransfers().getNextAfterIndex());
        return ApiResponse.json(200, Json.bytes(o));
    }

    private static QueryResult parseQueryResult(byte[] bytes) {
        try {
            return QueryResult.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("undecodable ledger query result", e);
        }
    }

    // ---------------------------------------------------------------- membership (issue 13)

    private CompletableFuture<ApiResponse> addMember(ApiRequest r, ScheduledExecutorService loop) {
        ObjectNode body = Json.object(r.body(), MEMBER_FIELDS);
        String id = memberId(Json.string(body, "id", "INVALID_MEMBER"));
        String raft = Json.string(body, "raftAddress", "INVALID_MEMBER");
        String http = Json.string(body, "httpAddress", "INVALID_MEMBER");
        if (raft == null || http == null) {
            throw ApiException.badRequest("INVALID_MEMBER", "\"raftAddress\" and \"httpAddress\" are required,"
                    + " e.g. \"127.0.0.1:7004\" and \"127.0.0.1:8084\"");
        }
        Member m;
        try {
            m = Member.parseList(id + "=" + raft + "/" + http).get(0);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_MEMBER", e.getMessage());
        }
        boolean learner = body.has("learner") && body.get("learner").asBoolean(false);
        String httpText = m.httpAddress().getHostString() + ":" + m.httpAddress().getPort();
        java.net.InetSocketAddress raftAddress = m.raftAddress();
        return membershipChange(r, loop, () -> learner ? server.addLearner(id, raftAddress, httpText)
                : server.addVoter(id, raftAddress, httpText));
    }

    private CompletableFuture<ApiResponse> transferLeadership(ApiRequest r, ScheduledExecutorService loop) {
        ObjectNode body = Json.object(r.body(), LEADER_FIELDS);
        String id = memberId(Json.string(body, "id", "INVALID_MEMBER"));
        return viaLeader(r, loop, true, status -> server.transferLeadership(id).thenApply(v -> {
            ObjectNode o = Json.object();
            o.put("leaderId", id);
            return ApiResponse.json(200, Json.bytes(o));
        }).exceptionally(this::membershipFailure));
    }

    /** A change run on the leader; answers with the configuration in force once it has committed. */
    private CompletableFuture<ApiResponse> membershipChange(ApiRequest r, ScheduledExecutorService loop,
            java.util.function.Supplier<CompletableFuture<io.raftkit.spi.ClusterConfig>> change) {
        return viaLeader(r, loop, true, status -> change.get().thenApply(c -> {
            ObjectNode o = Json.object();
            o.set("voters", Json.array().addAll(c.voters().stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()));
            o.set("learners", Json.array().addAll(c.learners().stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()));
            return ApiResponse.json(200, Json.bytes(o));
        }).exceptionally(this::membershipFailure));
    }

    /** The core's and the runtime's refusals as 400/409; anything else goes on to the usual mapping. */
    private ApiResponse membershipFailure(Throwable err) {
        Throwable cause = unwrap(err);
        if (cause instanceof IllegalArgumentException) {
            return error(ApiException.badRequest("INVALID_MEMBERSHIP_CHANGE", cause.getMessage()));
        }
        if (cause instanceof IllegalStateException) {
            return error(new ApiException(409, "MEMBERSHIP_CHANGE_REFUSED", cause.getMessage()));
        }
        if (cause instanceof RuntimeException re) {
            throw re; // NotLeaderException (retried), UnknownOutcomeException, ...: viaLeader's mapping
        }
        throw new java.util.concurrent.CompletionException(cause);
    }

    private static String memberId(String id) {
        if (id == null || !Ids.isValidAccountId(id)) {
            throw ApiException.badRequest("INVALID_MEMBER", "member id \"" + Json.truncate(String.valueOf(id))
                    + "\" must be 1 to 64 characters of [A-Za-z0-9_.-]");
        }
        return id;
    }

    // ---------------------------------------------------------------- operator routes

    private ApiResponse health() {
        ServerStatus s = server.status();
        ObjectNode o = Json.object();
        o.put("status", s.running() ? "UP" : "DOWN");
        o.put("nodeId", s.nodeId());
        return ApiResponse.json(s.running() ? 200 : 503, Json.bytes(o));
    }

    private ApiResponse ready() {
        ServerStatus s = server.status();
        boolean ready = s.running() && s.leaderId() != null && s.appliedIndex() >= s.commitIndex();
        ObjectNode o = Json.object();
        o.put("ready", ready);
        o.put("leaderId", s.leaderId());
        o.put("commitIndex", s.commitIndex());
        o.put("appliedIndex", s.appliedIndex());
        return ApiResponse.json(ready ? 200 : 503, Json.bytes(o));
    }

    private ApiResponse cluster() {
        ServerStatus s = server.status();
        ObjectNode o = Json.status(s);
        o.put("clusterId", s.clusterId());
        ArrayNode members = o.putArray("members");
        for (Member m : this.members.current()) {
            ObjectNode mo = members.addObject();
            mo.put("id", m.id());
            mo.put("raftAddress", m.raftAddress().getHostString() + ":" + m.raftAddress().getPort());
            mo.put("httpAddress", m.httpAddress().getHostString() + ":" + m.httpAddress().getPort());
            String role = this.members.role(m.id());
            mo.put("role", role);
            mo.put("voter", role.equals("voter") || role.equals("leaving"));
        }
        o.set("voters", Json.array().addAll(s.voters().stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()));
        o.set("learners", Json.array().addAll(s.learners().stream().map(com.fasterxml.jackson.databind.node.TextNode::valueOf).toList()));
        o.put("joint", s.joint());
        return ApiResponse.json(200, Json.bytes(o));
    }

    // ---------------------------------------------------------------- leader routing

    /**
     * Runs {@code atLeader} here if this node leads, else forwards the request to the leader, waiting
     * (without blocking) for one to be known until the request timeout.
     */
    private CompletableFuture<ApiResponse> viaLeader(ApiRequest r, ScheduledExecutorService loop, boolean write,
                                                     Function<ServerStatus, CompletableFuture<ApiResponse>> atLeader) {
        CompletableFuture<ApiResponse> out = new CompletableFuture<>();
        long deadline = System.nanoTime() + config.http().requestTimeout().toNanos();
        attempt(r, loop, write, atLeader, deadline, out);
        return out;
    }

    private void attempt(ApiRequest r, ScheduledExecutorService loop, boolean write,
                         Function<ServerStatus, CompletableFuture<ApiResponse>> atLeader, long deadline,
                         CompletableFuture<ApiResponse> out) {
        try {
            tryOnce(r, loop, write, atLeader, deadline, out);
        } catch (ApiException e) {
            out.complete(error(e));
        } catch (RuntimeException e) {
            // also when run from a scheduled retry: the answer must come, or the connection hangs
            log.error("{}: {} {} failed", config.nodeId(), r.method(), Json.truncate(r.uri()), e);
            out.complete(error(new ApiException(500, "INTERNAL", "internal error: " + e)));
        }
    }

    private void tryOnce(ApiRequest r, ScheduledExecutorService loop, boolean write,
                         Function<ServerStatus, CompletableFuture<ApiResponse>> atLeader, long deadline,
                         CompletableFuture<ApiResponse> out) {
        Runnable retry = () -> retryOrGiveUp(r, loop, write, atLeader, deadline, out);
        ServerStatus s = server.status();
        if (s.isLeader()) {
            CompletableFuture<ApiResponse> local;
            try {
                local = atLeader.apply(s);
            } catch (RuntimeException e) {
                local = CompletableFuture.failedFuture(e);
            }
            local.whenCompleteAsync((resp, err) -> {
                if (err == null) {
                    out.complete(resp);
                    return;
                }
                Throwable cause = unwrap(err);
                if (cause instanceof NotLeaderException) {
                    retry.run(); // lost leadership before proposing: nothing was done
                } else {
                    out.complete(failure(cause, write));
                }
            }, loop);
            return;
        }
        if (r.forwardedBy() != null) {
            // forwarded to us by a node that believed we lead: let that node find the leader again
            out.complete(noLeader("node " + config.nodeId() + " is not the leader"));
            return;
        }
        Member leader = s.leaderId() == null ? null : members.member(s.leaderId());
        if (leader == null || leader.id().equals(config.nodeId())) {
            retry.run();
            return;
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            out.complete(noLeader("no answer from the leader within the request timeout"));
            return;
        }
        forwarder.forward(leader.httpAddress(), r, Duration.ofNanos(remaining)).whenCompleteAsync((o, err) -> {
            if (err != null) {
                out.complete(error(new ApiException(500, "INTERNAL", "forwarding failed: " + err)));
            } else if (o instanceof LeaderForwarder.Answered a) {
                if (a.response().status() == 503 && isNoLeader(a.response())) {
                    retry.run();
                } else {
                    out.complete(a.response());
                }
            } else if (o instanceof LeaderForwarder.NotSent) {
                retry.run();
            } else {
                LeaderForwarder.Lost lost = (LeaderForwarder.Lost) o;
                if (write) {
                    out.complete(unknownOutcome("the leader " + leader.id() + " did not answer: " + lost.why()));
                } else if (lost.timedOut()) {
                    out.complete(error(ApiException.unavailable("TIMEOUT", "the leader did not answer in time")));
                } else {
                    retry.run(); // a read changes nothing: safe to ask again
                }
            }
        }, loop);
    }

    private void retryOrGiveUp(ApiRequest r, ScheduledExecutorService loop, boolean write,
                               Function<ServerStatus, CompletableFuture<ApiResponse>> atLeader, long deadline,
                               CompletableFuture<ApiResponse> out) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            out.complete(noLeader("no leader known within the request timeout ("
                    + config.http().requestTimeout().toMillis() + " ms)"));
            return;
        }
        long delay = Math.min(remaining, LEADER_POLL.toNanos());
        try {
            loop.schedule(() -> attempt(r, loop, write, atLeader, deadline, out), delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            out.complete(error(ApiException.unavailable("UNAVAILABLE", "the node is shutting down")));
        }
    }

    private static boolean isNoLeader(ApiResponse response) {
        return response.bodyText().contains("\"NO_LEADER\"");
    }

    private ApiResponse failure(Throwable cause, boolean write) {
        if (cause instanceof ApiException e) {
            return error(e);
        }
        if (cause instanceof OverloadedException) {
            return error(ApiException.unavailable("OVERLOADED", "the leader has too many requests pending; retry later"));
        }
        if (cause instanceof UnknownOutcomeException) {
            return write ? unknownOutcome(cause.getMessage())
                    : error(ApiException.unavailable("TIMEOUT", "the read did not complete: " + cause.getMessage()));
        }
        if (cause instanceof TimeoutException) {
            return error(ApiException.unavailable("TIMEOUT", "the read did not complete within the request timeout"));
        }
        if (cause instanceof ServerClosedException) {
            return error(ApiException.unavailable("UNAVAILABLE", "node " + config.nodeId() + " is stopping"));
        }
        log.error("{}: unexpected failure", config.nodeId(), cause);
        return error(new ApiException(500, "INTERNAL", "internal error: " + cause));
    }

    private static ApiResponse noLeader(String message) {
        return error(ApiException.unavailable("NO_LEADER", message));
    }

    private static ApiResponse unknownOutcome(String message) {
        return error(ApiException.unavailable("UNKNOWN_OUTCOME", "the write may or may not have been applied ("
                + message + "); retrying with the same msgId is safe and tells"));
    }

    // ---------------------------------------------------------------- helpers

    static ApiResponse error(ApiException e) {
        return new ApiResponse(e.status, ApiResponse.JSON, Json.error(e.code, e.getMessage()), e.headers);
    }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    private static void requireMethod(ApiRequest r, String... allowed) {
        for (String m : allowed) {
            if (m.equals(r.method())) {
                return;
            }
        }
        String allow = String.join(", ", allowed);
        throw new ApiException(405, "METHOD_NOT_ALLOWED", r.method() + " is not allowed on "
                + Json.truncate(r.path()) + "; allowed: " + allow, java.util.Map.of("Allow", allow));
    }

    private static long parseAmount(String field, String text) {
        try {
            return Money.parseCents(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_AMOUNT", "\"" + field + "\": " + e.getMessage());
        }
    }

    private static long parseNonNegative(String name, String text, long dflt) {
        if (text == null) {
            return dflt;
        }
        if (!text.matches("[0-9]{1,18}")) {
            throw ApiException.badRequest("INVALID_REQUEST", name + " must be a non-negative integer");
        }
        return Long.parseLong(text);
    }

    private static String invalidAccountId(String field, String id) {
        return id == null ? "\"" + field + "\" is required"
                : "\"" + field + "\" must be 1 to " + Ids.MAX_ACCOUNT_ID + " characters of [A-Za-z0-9_.-]";
    }

    private static String invalidMsgId(String msgId) {
        return msgId == null ? "\"msgId\" is required"
                : "\"msgId\" must be 1 to " + Ids.MAX_MSG_ID + " printable ASCII characters";
    }

    /** Percent-decodes one path segment; '+' stays a plus, as in any path. */
    private static String decodePathSegment(String raw) {
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("INVALID_REQUEST", "malformed percent-encoding in the path");
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
