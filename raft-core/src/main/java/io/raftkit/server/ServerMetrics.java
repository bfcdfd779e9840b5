package io.raftkit.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The server's Micrometer meters, all named {@code raft.*} and tagged {@code node=<id>}. With no
 * registry every method is a cheap no-op. Meters are removed from the registry on close.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><td>raft.term, raft.role (0 follower, 1 pre-candidate, 2 candidate, 3 leader),
 *       raft.commit.index, raft.applied.index, raft.last.index, raft.pending.requests,
 *       raft.pending.bytes</td><td>gauges</td></tr>
 *   <tr><td>raft.fatal: 1 once a fatal error stopped the node (a failed storage write, an exception
 *       from the state machine's apply), else 0</td><td>gauge</td></tr>
 *   <tr><td>raft.leader.changes, raft.elections.started, raft.elections.won</td><td>counters</td></tr>
 *   <tr><td>raft.proposals (tag result=accepted|not_leader|overloaded|closed)</td><td>counter</td></tr>
 *   <tr><td>raft.proposal.latency: submit to applied on this node</td><td>timer</td></tr>
 *   <tr><td>raft.append.batch.size: entries per storage write (group commit)</td><td>summary</td></tr>
 *   <tr><td>raft.storage.append.latency: storage write until durable (fsync)</td><td>timer</td></tr>
 *   <tr><td>raft.apply.batch.size: entries per apply batch</td><td>summary</td></tr>
 *   <tr><td>raft.follower.match.lag (tag follower: each voter and learner; a member's gauges come
 *       when it is added and go when it is removed): leader's last index minus the follower's match
 *       index, 0 when not leader</td><td>gauge</td></tr>
 *   <tr><td>raft.read.latency: query until served</td><td>timer</td></tr>
 *   <tr><td>raft.messages.invalid (tags kind, reason): inbound messages the core dropped as
 *       malformed or impossible (a snapshot chunk whose CRC32C does not match: reason
 *       checksum_mismatch)</td><td>counter</td></tr>
 *   <tr><td>raft.snapshot.taken, raft.snapshot.failed (taking one failed: capture, write or commit;
 *       retried later), raft.snapshot.installed (received from a leader), raft.snapshot.receive.failed
 *       (a received snapshot could not be stored or did not match its checksum),
 *       raft.snapshot.chunks.sent, raft.snapshot.bytes.sent</td><td>counters</td></tr>
 *   <tr><td>raft.snapshot.duration: from capture until durable in the store</td><td>timer</td></tr>
 *   <tr><td>raft.snapshot.capture.pause: how long apply paused for the state machine's
 *       captureSnapshot</td><td>timer</td></tr>
 *   <tr><td>raft.snapshot.size.bytes, raft.snapshot.index (the newest snapshot),
 *       raft.snapshot.compaction.index (the log holds entries after it only)</td><td>gauges</td></tr>
 *   <tr><td>raft.snapshot.install.bytes.acked, raft.snapshot.install.bytes.total (tag follower): the
 *       snapshot being sent to a follower, 0 when none</td><td>gauges</td></tr>
 *   <tr><td>raft.forward.sent (tag type=write|read): requests this node sent to the leader</td><td>counter</td></tr>
 *   <tr><td>raft.forward.batches (tag type=write|read): messages that carried them (a loop turn's
 *       requests leave in one message)</td><td>counter</td></tr>
 *   <tr><td>raft.forward.received (tags type, result=accepted|not_leader|overloaded): requests other
 *       nodes forwarded to this one as leader</td><td>counter</td></tr>
 *   <tr><td>raft.reads (tag consistency=linearizable|lease|local|lease_fallback): reads started on this
 *       node, by how they are served</td><td>counter</td></tr>
 *   <tr><td>raft.leader.stepdowns (tag reason=stalled_write): times this leader handed leadership away
 *       on its own</td><td>counter</td></tr>
 * </table>
 */
final class ServerMetrics {

    private final MeterRegistry registry;
    private final List<Meter> meters = new CopyOnWriteArrayList<>(); // the loop thread may add while close() runs
    /** Per follower (voter or learner) the leader tracks: its gauges, added and removed with membership. */
    private final Map<String, FollowerGauges> followerGauges = new ConcurrentHashMap<>();
    private final AtomicLong snapshotSize = new AtomicLong();
    private final AtomicLong snapshotIndex = new AtomicLong();
    private final AtomicLong compactionIndex = new AtomicLong();
    private Counter snapshotsTaken;
    private Counter snapshotsFailed;
    private Counter snapshotsInstalled;
    private Counter snapshotsReceiveFailed;
    private Counter chunksSent;
    private Counter bytesSent;
    private Timer snapshotDuration;
    private Timer capturePause;
    private final Counter leaderChanges;
    private final Counter electionsStarted;
    private final Counter electionsWon;
    private final Counter proposalsAccepted;
    private final Counter proposalsNotLeader;
    private final Counter proposalsOverloaded;
    private final Counter proposalsClosed;
    private final Timer proposalLatency;
    private final DistributionSummary appendBatch;
    private final Timer fsyncLatency;
    private final DistributionSummary applyBatch;
    private final Timer readLatency;
    private final Tags tags;
    /** raft.messages.invalid by kind and reason, registered on first use. */
    private final Map<String, Counter> invalidMessages = new ConcurrentHashMap<>();

    ServerMetrics(MeterRegistry registry, String nodeId, RaftServer server, Iterable<String> followers) {
        this.registry = registry;
        this.tags = Tags.of("node", nodeId);
        if (registry == null) {
            leaderChanges = electionsStarted = electionsWon = null;
            proposalsAccepted = proposalsNotLeader = proposalsOverloaded = proposalsClosed = null;
            proposalLatency = fsyncLatency = readLatency = null;
            appendBatch = applyBatch = null;
            return;
        }
        gauge("raft.term", "current term", server, s -> s.term);
        gauge("raft.role", "0 follower, 1 pre-candidate, 2 candidate, 3 leader", server, s -> s.role.ordinal());
        gauge("raft.commit.index", "highest index known committed", server, s -> s.commitIndex);
        gauge("raft.applied.index", "highest index applied by the state machine", server, s -> s.appliedIndex);
        gauge("raft.apply.unapplied.bytes", "committed entry bytes handed to the apply thread and not yet applied",
                server, s -> s.unapplied.bytes());
        gauge("raft.last.index", "last index in the log", server, s -> s.lastIndex);
        gauge("raft.pending.requests", "commands and reads accepted and not completed", server,
                RaftServer::pendingRequests);
        gauge("raft.pending.bytes", "bytes of commands and queries accepted and not completed", server,
                RaftServer::pendingBytes);
        gauge("raft.fatal", "1 once a fatal error stopped this node (see its log and status), else 0", server,
                s -> s.failure() == null ? 0 : 1);
        for (String f : followers) {
            trackFollower(f);
        }
        gauge("raft.snapshot.size.bytes", "size of the newest snapshot", snapshotSize, AtomicLong::get);
        gauge("raft.snapshot.index", "index of the newest snapshot", snapshotIndex, AtomicLong::get);
        gauge("raft.snapshot.compaction.index", "the log holds only entries after this index", compactionIndex,
                AtomicLong::get);
        snapshotsTaken = counter("raft.snapshot.taken", "snapshots this node took", Tags.empty());
        snapshotsFailed = counter("raft.snapshot.failed", "snapshots that failed to be taken", Tags.empty());
        snapshotsInstalled = counter("raft.snapshot.installed", "snapshots installed from a leader", Tags.empty());
        snapshotsReceiveFailed = counter("raft.snapshot.receive.failed",
                "snapshots from a leader that could not be stored or did not match their checksum", Tags.empty());
        chunksSent = counter("raft.snapshot.chunks.sent", "snapshot chunks sent to followers", Tags.empty());
        bytesSent = counter("raft.snapshot.bytes.sent", "snapshot bytes sent to followers", Tags.empty());
        snapshotDuration = timer("raft.snapshot.duration", "from capture until the snapshot is durable");
        capturePause = timer("raft.snapshot.capture.pause", "how long apply paused to capture the state");
        leaderChanges = counter("raft.leader.changes", "times the known leader changed", Tags.empty());
        electionsStarted = counter("raft.elections.started", "elections this node started", Tags.empty());
        electionsWon = counter("raft.elections.won", "elections this node won", Tags.empty());
        proposalsAccepted = counter("raft.proposals", "commands submitted", Tags.of("result", "accepted"));
        proposalsNotLeader = counter("raft.proposals", "commands submitted", Tags.of("result", "not_leader"));
        proposalsOverloaded = counter("raft.proposals", "commands submitted", Tags.of("result", "overloaded"));
        proposalsClosed = counter("raft.proposals", "commands submitted", Tags.of("result", "closed"));
        proposalLatency = timer("raft.proposal.latency", "from submit until applied on this node");
        fsyncLatency = timer("raft.storage.append.latency", "from a storage write until it is durable");
        readLatency = timer("raft.read.latency", "from query until served (ReadIndex)");
        appendBatch = summary("raft.append.batch.size", "entries per storage write");
        applyBatch = summary("raft.apply.batch.size", "entries per apply batch");
    }

    private <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f) {
        add(Gauge.builder(name, obj, f).tags(tags).description(description).register(registry));
    }

    private Counter counter(String name, String description, Tags extra) {
        return add(Counter.builder(name).tags(tags).tags(extra).description(description).register(registry));
    }

    private Timer timer(String name, String description) {
        return add(Timer.builder(name).tags(tags).description(description).register(registry));
    }

    private DistributionSummary summary(String name, String description) {
        return add(DistributionSummary.builder(name).tags(tags).description(description).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    boolean enabled() {
        return registry != null;
    }

    void leaderChanged() {
        if (registry != null) {
            leaderChanges.increment();
        }
    }

    void electionStarted() {
        if (registry != null) {
            electionsStarted.increment();
        }
    }

    void electionWon() {
        if (registry != null) {
            electionsWon.increment();
        }
    }

    void proposalsAccepted(int n) {
        if (registry != null) {
            proposalsAccepted.increment(n);
        }
    }

    void proposalRejectedNotLeader(int n) {
        if (registry != null) {
            proposalsNotLeader.increment(n);
        }
    }

    void proposalRejectedOverloaded() {
        if (registry != null) {
            proposalsOverloaded.increment();
        }
    }

    void proposalRejectedClosed() {
        if (registry != null) {
            proposalsClosed.increment();
        }
    }

    void proposalApplied(long nanos) {
        if (registry != null) {
            proposalLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void storageWrite(int entries) {
        if (registry != null) {
            appendBatch.record(entries);
        }
    }

    void storageDurable(long nanos) {
        if (registry != null) {
            fsyncLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void applied(int entries) {
        if (registry != null) {
            applyBatch.record(entries);
        }
    }

    void readServed(long nanos) {
        if (registry != null) {
            readLatency.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The core dropped an invalid inbound message. */
    void messageInvalid(Message.Kind kind, InvalidReason reason) {
        if (registry != null) {
            String tagKind = kind.name().toLowerCase(Locale.ROOT);
            invalidMessages.computeIfAbsent(tagKind + "/" + reason.tag(), k -> counter("raft.messages.invalid",
                    "inbound messages dropped as malformed or impossible",
                    Tags.of("kind", tagKind, "reason", reason.tag()))).increment();
        }
    }

    /** The follower's lag as the leader sees it (0 when this node is not the leader). */
    void followerLag(String follower, long lag) {
        FollowerGauges g = trackFollower(follower);
        if (g != null) {
            g.lag().set(lag);
        }
    }

    /** The gauges of {@code follower}, registered on first use (a member added at run time); null without a registry. */
    private FollowerGauges trackFollower(String follower) {
        if (registry == null) {
            return null;
        }
        return followerGauges.computeIfAbsent(follower, f -> {
            AtomicLong lag = new AtomicLong();
            AtomicLong acked = new AtomicLong();
            AtomicLong total = new AtomicLong();
            List<Meter> own = List.of(
                    add(Gauge.builder("raft.follower.match.lag", lag, AtomicLong::get).tags(tags).tag("follower", f)
                            .description("entries the follower's log is behind the leader's (0 when not leader)")
                            .register(registry)),
                    add(Gauge.builder("raft.snapshot.install.bytes.acked", acked, AtomicLong::get).tags(tags)
                            .tag("follower", f)
                            .description("bytes of the snapshot being sent that the follower confirmed")
                            .register(registry)),
                    add(Gauge.builder("raft.snapshot.install.bytes.total", total, AtomicLong::get).tags(tags)
                            .tag("follower", f)
                            .description("size of the snapshot being sent to the follower, 0 when none")
                            .register(registry)));
            return new FollowerGauges(lag, acked, total, own);
        });
    }

    /** Removes the gauges of followers no longer in {@code members} (removed from the cluster). */
    void retainFollowers(java.util.Set<String> members) {
        for (var it = followerGauges.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!members.contains(e.getKey())) {
                it.remove();
                for (Meter m : e.getValue().meters()) {
                    meters.remove(m);
                    registry.remove(m);
                }
            }
        }
    }

    private record FollowerGauges(AtomicLong lag, AtomicLong acked, AtomicLong total, List<Meter> meters) {
    }

    void snapshotTaken(long sizeBytes, long index, long nanos) {
        snapshotSize.set(sizeBytes);
        snapshotIndex.set(Math.max(snapshotIndex.get(), index));
        if (registry != null) {
            snapshotsTaken.increment();
            snapshotDuration.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void snapshotFailed() {
        if (registry != null) {
            snapshotsFailed.increment();
        }
    }

    void snapshotInstalled(long sizeBytes, long index) {
        snapshotSize.set(sizeBytes);
        snapshotIndex.set(Math.max(snapshotIndex.get(), index));
        if (registry != null) {
            snapshotsInstalled.increment();
        }
    }

    void snapshotReceiveFailed() {
        if (registry != null) {
            snapshotsReceiveFailed.increment();
        }
    }

    void capturePaused(long nanos) {
        if (registry != null) {
            capturePause.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    void chunkSent(int bytes) {
        if (registry != null) {
            chunksSent.increment();
            bytesSent.increment(bytes);
        }
    }

    void compactedTo(long index) {
        compactionIndex.set(index);
    }

    void installProgress(String follower, long acked, long total) {
        FollowerGauges g = trackFollower(follower);
        if (g != null) {
            g.acked().set(acked);
            g.total().set(total);
        }
    }

    /** raft.forward.*, raft.reads and raft.leader.stepdowns, registered on first use. */
    private final Map<String, Counter> lazyCounters = new ConcurrentHashMap<>();

    private void count(String name, String description, String... tagPairs) {
        add(1, name, description, tagPairs);
    }

    private void add(long amount, String name, String description, String... tagPairs) {
        if (registry != null) {
            lazyCounters.computeIfAbsent(name + String.join("/", tagPairs),
                    k -> counter(name, description, Tags.of(tagPairs))).increment(amount);
        }
    }

    /** This node sent a batch of {@code requests} requests to the leader in one message. */
    void forwardSent(boolean read, int requests) {
        String type = read ? "read" : "write";
        add(requests, "raft.forward.sent", "requests this node sent to the leader", "type", type);
        count("raft.forward.batches", "messages that carried requests to the leader", "type", type);
    }

    /** What this node, as leader, did with forwarded requests. */
    ForwardServer.ForwardMetrics forwardReceived() {
        if (registry == null) {
            return ForwardServer.ForwardMetrics.NONE;
        }
        return new ForwardServer.ForwardMetrics() {
            @Override
            public void accepted(boolean read) {
                count("raft.forward.received", "requests other nodes forwarded to this leader",
                        "type", read ? "read" : "write", "result", "accepted");
            }

            @Override
            public void refused(boolean read, io.raftkit.spi.message.RouteStatus status) {
                count("raft.forward.received", "requests other nodes forwarded to this leader",
                        "type", read ? "read" : "write", "result", status.name().toLowerCase(Locale.ROOT));
            }
        };
    }

    /** A read started, served as {@code how} (linearizable, lease, local, lease_fallback). */
    void readStarted(String how) {
        count("raft.reads", "reads started on this node, by how they are served", "consistency", how);
    }

    /** This leader handed leadership away on its own. */
    void steppedDown(String reason) {
        count("raft.leader.stepdowns", "times this leader handed leadership away on its own", "reason", reason);
    }

    /**
     * A membership change this node was asked for ended: committed, refused (by the core or the
     * runtime, nothing done), not_leader, or unknown (leadership lost or timed out before it committed).
     */
    void membershipChange(String outcome) {
        count("raft.membership.changes", "membership changes requested of this node, by outcome", "outcome", outcome);
    }

    /**
     * A leadership transfer this node was asked for ended: done, refused, not_leader, abandoned, or
     * other_leader (another node won the election).
     */
    void leadershipTransfer(String outcome) {
        count("raft.leadership.transfers", "leadership transfers requested of this node, by outcome", "outcome",
                outcome);
    }

    void close() {
        if (registry != null) {
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
        }
    }
}
