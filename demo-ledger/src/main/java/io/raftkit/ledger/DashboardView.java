package io.raftkit.ledger;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftkit.ledger.proto.Account;
import io.raftkit.ledger.proto.QueryResult;
import io.raftkit.ledger.proto.TransferRecord;
import io.raftkit.server.RaftServer;
import io.raftkit.server.ServerStatus;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This node's view of the cluster for the dashboard ({@code GET /dashboard/state} and each event of
 * {@code GET /events}): its Raft status, the lag of each follower when it leads, its timeline of
 * leader changes, its throughput and latency samples, and its own applied ledger state (balances
 * and the latest transfers, read locally, so that the page can show every replica side by side).
 */
final class DashboardView {

    /** Accounts shown; a bench creates a thousand, and the page is for people. */
    static final int MAX_ACCOUNTS = 30;
    /** Latest transfers shown. */
    static final int LATEST_TRANSFERS = 8;
    /** How far back in the log to look for the latest transfers. */
    private static final int TRANSFER_WINDOW = 256;

    private final LedgerNodeConfig config;
    private final RaftServer server;
    private final LedgerStateMachine stateMachine;
    private final MeterRegistry registry;
    private final LeaderTimeline timeline;
    private final MetricSamples samples;
    private final LocalControls controls; // null on a node started alone

    DashboardView(LedgerNodeConfig config, RaftServer server, LedgerStateMachine stateMachine, MeterRegistry registry,
                  LeaderTimeline timeline, MetricSamples samples, LocalControls controls) {
        this.config = config;
        this.server = server;
        this.stateMachine = stateMachine;
        this.registry = registry;
        this.timeline = timeline;
        this.samples = samples;
        this.controls = controls;
    }

    /** Whether the demo controls exist on this node. */
    boolean hasControls() {
        return controls != null;
    }

    LocalControls controls() {
        return controls;
    }

    /** The whole view as JSON. */
    byte[] json() {
        ServerStatus s = server.status();
        ObjectNode o = Json.status(s);
        o.put("lastIndex", s.lastIndex());
        o.put("running", s.running());
        o.put("failure", s.failure());
        o.put("at", System.currentTimeMillis());
        ArrayNode members = o.putArray("members");
        ClusterMembers current = new ClusterMembers(config, server);
        for (Member m : current.current()) { // the members in force, those added at run time included
            ObjectNode mo = members.addObject();
            mo.put("id", m.id());
            mo.put("httpAddress", m.httpAddress().getHostString() + ":" + m.httpAddress().getPort());
            mo.put("role", current.role(m.id()));
        }
        ArrayNode followers = o.putArray("followers");
        if (s.isLeader()) {
            followerLag().forEach((id, lag) -> followers.addObject().put("id", id).put("lag", lag));
        }
        ArrayNode changes = o.putArray("leaderChanges");
        for (LeaderTimeline.Event e : timeline.events()) {
            changes.addObject().put("at", e.atMillis()).put("leaderId", e.leaderId()).put("term", e.term());
        }
        ArrayNode sampleList = o.putArray("samples");
        for (MetricSamples.Sample sm : samples.samples()) {
            ObjectNode so = sampleList.addObject();
            so.put("at", sm.atMillis());
            so.put("transfersPerSec", round(sm.transfersPerSec()));
            so.put("entriesPerSec", round(sm.entriesPerSec()));
            if (sm.latencyMillis() == null) {
                so.putNull("latencyMs");
            } else {
                so.put("latencyMs", round(sm.latencyMillis()));
            }
        }
        addLedger(o, s.appliedIndex());
        if (controls != null) {
            ObjectNode local = o.putObject("local");
            ArrayNode stopped = local.putArray("stopped");
            controls.stopped().forEach(stopped::add);
            ArrayNode isolated = local.putArray("isolated");
            controls.isolated().forEach(isolated::add);
        } else {
            o.putNull("local");
        }
        return Json.bytes(o);
    }

    /** The leader's lag per follower, from the server's {@code raft.follower.match.lag} gauges. */
    private Map<String, Long> followerLag() {
        Map<String, Long> lag = new TreeMap<>();
        for (Gauge g : registry.find("raft.follower.match.lag").gauges()) {
            String follower = g.getId().getTag("follower");
            if (follower != null) {
                lag.put(follower, (long) g.value());
            }
        }
        return lag;
    }

    private void addLedger(ObjectNode o, long applied) {
        ObjectNode accounts = o.putObject("accounts");
        ArrayNode list = accounts.putArray("list");
        ArrayNode transfers = o.putArray("transfers");
        try {
            List<Account> all = local(LedgerCodec.listAccounts()).getAccounts().getAccountsList();
            accounts.put("count", all.size());
            for (Account a : all.subList(0, Math.min(all.size(), MAX_ACCOUNTS))) {
                list.add(Json.account(a));
            }
            List<TransferRecord> recent = local(LedgerCodec.listTransfers(Math.max(0, applied - TRANSFER_WINDOW),
                    TRANSFER_WINDOW)).getTransfers().getTransfersList();
            // newest first: what a visitor just did is on top
            for (int i = recent.size() - 1; i >= Math.max(0, recent.size() - LATEST_TRANSFERS); i--) {
                transfers.add(Json.transfer(recent.get(i), null));
            }
        } catch (RuntimeException e) {
            // the state closes while the node stops: the Raft part of the view is still worth showing
            accounts.put("count", 0);
            accounts.put("unavailable", String.valueOf(e.getMessage()));
        }
    }

    private QueryResult local(byte[] query) {
        try {
            return QueryResult.parseFrom(stateMachine.query(query));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("undecodable ledger query result", e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
