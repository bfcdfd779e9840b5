package io.raftkit.sim;

import io.raftkit.core.ConfigChange;
import io.raftkit.core.RaftConfig;
import io.raftkit.core.ReadState;
import io.raftkit.core.Ready;
import io.raftkit.core.Role;
import io.raftkit.core.SnapshotInfo;
import io.raftkit.core.SoftState;
import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.server.ForwardServer;
import io.raftkit.server.ReadConsistency;
import io.raftkit.server.ReadyPipeline;
import io.raftkit.server.RequestRouter;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import java.util.IdentityHashMap;
import io.raftkit.sim.lin.CheckResult;
import io.raftkit.sim.lin.HistoryRecorder;
import io.raftkit.sim.lin.KvInput;
import io.raftkit.sim.lin.KvModel;
import io.raftkit.sim.lin.KvOutput;
import io.raftkit.sim.lin.LinearizabilityChecker;
import io.raftkit.sim.lin.Outcome;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.SnapshotSink;
import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import io.raftkit.spi.StoredSnapshot;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.Message;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A deterministic simulation of a whole Raft cluster: N {@link io.raftkit.core.RaftNode}s with
 * in-memory disks that model fsync, a network that loses, duplicates, delays and reorders
 * messages and can be partitioned in any shape, crashes with torn writes, paused nodes, skewed
 * clocks, and clients that write and read through ReadIndex. Virtual time; all randomness from
 * one seed, so a seed replays the same run event for event.
 *
 * <p>Safety is checked after every step (see {@link SafetyChecker}); the client history is
 * checked for linearizability at the end; and after the last fault the cluster must elect a
 * leader within 10 election timeouts and commit pending work within 20.
 *
 * <pre>{@code
 * SimulationResult r = Simulation.of(SimOptions.fromSeed(42, 10_000)).run();
 * }</pre>
 * To run your own {@link StateMachine} through it, see {@link #withStateMachine}.
 */
public final class Simulation {

    private final SimOptions options;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final List<String> ids = new ArrayList<>();
    private final SafetyChecker checker;
    /** Every client operation, in the order they were called. */
    private final List<SimClient.Op> operations = new ArrayList<>();
    /** When some node first applied each index. */
    private final Map<Long, Long> firstApplied = new HashMap<>();
    private final List<SimClient> clients = new ArrayList<>();
    private final Set<Long> acknowledgedPuts = new HashSet<>();
    private final List<String> notable = new ArrayList<>();
    private Consumer<Message> tap = m -> { };
    /** How clients are served: through any node, with which read consistencies, and disk stalls. */
    private SimServing serving;
    /** Membership changes (issue 13): see the section "membership" below. */
    private SimMembership membership;
    private final MembershipChecker memberChecker;
    /** Every node that was ever a member (the founding ones, and spares once added). */
    private final Set<String> everMember = new HashSet<>();
    /** Removed nodes whose fate (stopped or left running) has been decided. */
    private final Set<String> retiredChecked = new HashSet<>();
    private long membershipChanges;
    /** Each put's command bytes to its operation: a leader finds a forwarded command's operation. */
    private final Map<byte[], SimClient.Op> commandOps = new IdentityHashMap<>();
    private final Map<Long, SimClient.Op> opsById = new HashMap<>();
    /** Per node incarnation and key, the log index of the value its last LOCAL read saw. */
    private final Map<String, Map<String, Long>> localReadFloor = new HashMap<>();
    private long localReads;
    private final Map<Long, Integer> resultHashes = new HashMap<>();
    private Supplier<StateMachine> stateMachineFactory = KvStateMachine::new;
    private CommandSource commandSource;
    private PrintStream trace;
    private long now;
    private long sequence;
    private long steps;
    private long nextOpId = 1;
    private boolean[][] cut;
    /** Links on which heartbeats (only) are lost, as from-index * n + to-index. */
    private final Set<Integer> heartbeatCuts = new HashSet<>();
    private double lossRate;
    private double duplicateRate;
    private int minDelay;
    private int maxDelay;
    private int minSync;
    private int maxSync;
    private boolean faultsOn = true;
    private boolean workloadOn = true;
    private long elections;
    private final AppendRewriter rewriter;
    private final long clientTimeout = 3 * SimOptions.electionTimeoutMicros();
    /** Bounds of the seeded delays between a sync and its callback, and a wakeup and the loop's turn. */
    private static final int MAX_CALLBACK_DELAY_MICROS = 300;
    private static final int MAX_WAKEUP_DELAY_MICROS = 50;
    /** Committed-but-unapplied bytes a node's core may hand out: exercises the back-pressure accounting. */
    private static final long MAX_UNAPPLIED_BYTES = 48 << 10;
    /** The Ready being handed to a pipeline, and messages sent from completion callbacks so far. */
    private Ready handling;
    private long callbackSends;
    private boolean callbackInProgress;
    /** Writes with persisted messages to other nodes, by who sent them: the callback or the loop's release. */
    private long sentByCallback;
    private long sentAtRelease;
    /**
     * Snapshot policy of this run, drawn from the seed on a generator of its own (so the other
     * choices of a seed stay what they were): a snapshot every few entries, a small margin, and
     * small chunks, so every seed compacts many times and lagging nodes install snapshots.
     */
    private final int snapshotEvery;
    private final int compactionMargin;
    private final int snapshotChunkBytes;
    private final int snapshotChunksInFlight;
    private final long snapshotBytesPerTick;
    private long snapshotsTaken;
    private long snapshotsInstalled;
    private long compactions;

    /** Produces the commands of a custom workload (see {@link #withStateMachine}). */
    @FunctionalInterface
    public interface CommandSource {
        /** The next command for client {@code client}; {@code opId} is unique in the run. */
        byte[] next(SplittableRandom random, int client, long opId);
    }

    private Simulation(SimOptions options) {
        this.options = options;
        this.random = new SplittableRandom(options.seed());
        this.checker = new SafetyChecker(options.seed(), options.steps());
        this.lossRate = options.lossRate();
        this.duplicateRate = options.duplicateRate();
        this.minDelay = options.minDelayMicros();
        this.maxDelay = options.maxDelayMicros();
        this.minSync = options.minSyncMicros();
        this.maxSync = options.maxSyncMicros();
        this.rewriter = new AppendRewriter(options.appendRewriteRate(), new SplittableRandom(options.seed() ^ 0x7e37a11L));
        SplittableRandom snap = new SplittableRandom(options.seed() ^ 0x5a475b07L);
        this.snapshotEvery = Integer.getInteger("sim.snapshotEvery", new int[] {4, 10, 25}[snap.nextInt(3)]);
        this.compactionMargin = new int[] {0, 2, 10}[snap.nextInt(3)];
        this.snapshotChunkBytes = new int[] {64, 256, 4096}[snap.nextInt(3)];
        this.snapshotChunksInFlight = 1 + snap.nextInt(4);
        this.snapshotBytesPerTick = new long[] {0, 512, 4096}[snap.nextInt(3)];
        this.serving = SimServing.fromSeed(options.seed());
        this.membership = SimMembership.OFF;
        this.memberChecker = new MembershipChecker(options.seed(), options.steps());
    }

    /** Changes membership as {@code membership} says instead of as the seed chose (call before {@link #start()}). */
    public Simulation withMembership(SimMembership membership) {
        this.membership = Objects.requireNonNull(membership, "membership");
        return this;
    }

    /** Serves clients as {@code serving} says instead of as the seed chose (call before {@link #start()}). */
    public Simulation withServing(SimServing serving) {
        this.serving = Objects.requireNonNull(serving, "serving");
        return this;
    }

    /**
     * A swarm run of {@code seed}: the options, and the membership changes, the seed chooses
     * ({@link SimOptions#fromSeed}, {@link SimMembership#fromSeed}).
     */
    public static Simulation swarm(long seed, int steps) {
        return of(SimOptions.fromSeed(seed, steps)).withMembership(SimMembership.fromSeed(seed));
    }

    /** A simulation of the given options with the built-in key-value workload (membership fixed). */
    public static Simulation of(SimOptions options) {
        return new Simulation(options);
    }

    /**
     * Runs your own state machine instead of the built-in key-value store. Clients propose the
     * commands {@code commands} produces; the simulator checks every safety property of the log,
     * that every replica's {@code apply} returns the same result at the same index
     * (determinism), and that replicas converge. Linearizability is checked only for the
     * built-in workload. A state machine that reports {@link StateMachine#lastAppliedIndex()}
     * is kept across crashes (as if durable); one that reports 0 is created anew on restart.
     */
    public Simulation withStateMachine(Supplier<StateMachine> factory, CommandSource commands) {
        this.stateMachineFactory = factory;
        this.commandSource = commands;
        return this;
    }

    /**
     * Tells {@code observer} about every message a node sends, before the network decides its
     * fate (a test hook: a fuzzer replays or mutates what it sees).
     */
    public Simulation tap(Consumer<Message> observer) {
        this.tap = Objects.requireNonNull(observer, "observer");
        return this;
    }

    /**
     * Steps {@code m} into node {@code nodeId} now, as if it had just arrived from the network
     * (whatever its addressing says), and checks the safety properties after it. Ignored while
     * the node is down or paused. A test hook for injecting forged or malformed messages.
     */
    public void inject(String nodeId, Message m) {
        SimNode node = nodes.get(nodeId);
        if (!node.up || node.paused) {
            return;
        }
        if (trace != null) {
            trace.printf("%10s   inject into %s: %s%n", "", nodeId, m);
        }
        node.raft.step(m);
        process(node);
        checker.afterStep(node);
    }

    /** The messages node {@code nodeId}'s current incarnation dropped as invalid. */
    public long droppedMessages(String nodeId) {
        return nodes.get(nodeId).raft.droppedMessages().total();
    }

    /** Prints every step to {@code out}. */
    public Simulation trace(PrintStream out) {
        this.trace = out;
        return this;
    }

    // --- running ----------------------------------------------------------------------------

    /**
     * Runs the fault phase for {@code options.steps()} events, then heals every fault and checks
     * liveness, convergence and linearizability.
     *
     * @throws SafetyViolation if any property fails
     */
    public SimulationResult run() {
        start();
        while (steps < options.steps() && !events.isEmpty()) {
            step();
        }
        return finish();
    }

    /** Sets the cluster up and schedules ticks, clients and faults. Called by {@link #run()}. */
    public void start() {
        for (int i = 1; i <= options.nodes(); i++) {
            ids.add("n" + i);
        }
        ClusterConfig founding = ClusterConfig.of(ids);
        everMember.addAll(ids);
        for (int i = 1; i <= membership.spares(); i++) {
            ids.add("n" + (options.nodes() + i)); // started with an empty log: not members yet
        }
        cut = new boolean[ids.size()][ids.size()];
        for (String id : ids) {
            RaftConfig cfg = new RaftConfig(id, SimOptions.ELECTION_TICKS, SimOptions.HEARTBEAT_TICKS, options.maxSizePerMsg(),
                    options.maxInflightMsgs(), 0, 1 << 20, options.preVote(), options.checkQuorum(), MAX_UNAPPLIED_BYTES)
                    .withSnapshotTransfer(snapshotChunkBytes, snapshotChunksInFlight, snapshotBytesPerTick);
            SimNode node = new SimNode(id, cfg, ids);
            node.storage = InMemoryLogStorage.manualSync();
            if (everMember.contains(id)) {
                node.storage.append(null, List.of(Entry.config(1, 0, founding)));
                node.storage.sync();
            }
            node.stateMachine = stateMachineFactory.get();
            if (options.clockSkew()) {
                // leases hold only while clocks drift apart by less than their bound
                node.tickFactor = serving.leases()
                        ? 1 - SimServing.LEASE_SKEW + 2 * SimServing.LEASE_SKEW * random.nextDouble()
                        : 0.5 + random.nextDouble();
            }
            boot(node);
            nodes.put(id, node);
            scheduleTick(node, random.nextInt(SimOptions.TICK_MICROS));
        }
        note("options " + options);
        note("serving " + serving);
        for (int c = 0; c < options.clients(); c++) {
            SimClient client = new SimClient(c, ids.get(random.nextInt(ids.size())));
            clients.add(client);
            at(random.nextInt(5 * SimOptions.TICK_MICROS), null, () -> startOp(client), () -> "client " + client.id + " starts");
        }
        if (options.partitions() || options.crashes() || pauses() || serving.stalledDisks()) {
            scheduleChaos();
        }
        if (membership.on()) {
            note("membership " + membership);
            scheduleMembershipChange();
        }
    }

    /** Processes one event. */
    public void step() {
        Event e = events.poll();
        now = e.time;
        steps++;
        checker.setStep(steps);
        memberChecker.setStep(steps);
        if (trace != null) {
            trace.printf("%10.3fms #%d %s%n", now / 1000.0, steps, e.describe.get());
        }
        e.action.run();
        if (e.node != null) {
            SimNode node = nodes.get(e.node);
            if (node.up) {
                checker.afterStep(node);
            }
        }
    }

    /** Runs events until {@code micros} of virtual time have passed. */
    public void runFor(long micros) {
        long until = now + micros;
        while (!events.isEmpty() && events.peek().time <= until) {
            step();
        }
        now = Math.max(now, until);
    }

    /** Heals every fault, checks liveness, convergence and the history. Called by {@link #run()}. */
    public SimulationResult finish() {
        healAll();
        long electionTimeout = SimOptions.electionTimeoutMicros();
        long healedAt = now;
        long electionsAtHeal = elections;
        long termAtHeal = highestTerm();
        if (!runUntil(() -> leader() != null, 10 * electionTimeout)) {
            throw violation("liveness: no leader within 10 election timeouts after the last fault (healed at "
                    + healedAt / 1000.0 + "ms): " + describeNodes());
        }
        // every client must complete an operation started after the heal
        long[] ackedBefore = clients.stream().mapToLong(c -> c.opsAcknowledged).toArray();
        if (!runUntil(() -> {
            for (int i = 0; i < clients.size(); i++) {
                if (clients.get(i).opsAcknowledged <= ackedBefore[i] + 1) {
                    return false;
                }
            }
            return true;
        }, 20 * electionTimeout)) {
            throw violation("liveness: proposals did not commit within 20 election timeouts after a leader was elected");
        }
        workloadOn = false;
        awaitConvergence(electionTimeout);
        long healedElections = elections - electionsAtHeal;
        long healedTermChanges = highestTerm() - termAtHeal;
        if (healedElections > SimOptions.MAX_HEALED_ELECTIONS || healedTermChanges > SimOptions.MAX_HEALED_TERM_CHANGES) {
            throw violation("liveness: " + healedElections + " elections and " + healedTermChanges
                    + " term changes between the heal and convergence (bounds " + SimOptions.MAX_HEALED_ELECTIONS
                    + " and " + SimOptions.MAX_HEALED_TERM_CHANGES + "): elections are needlessly disruptive");
        }
        checkReplicasAgree();
        HistoryRecorder<KvInput, KvOutput> history = buildHistory();
        if (commandSource == null) {
            CheckResult<KvInput, KvOutput> lin = LinearizabilityChecker.check(KvModel.INSTANCE, history.history(), 50_000_000L);
            if (lin.outcome() != Outcome.LINEARIZABLE) {
                throw violation("linearizability: " + lin.outcome() + ": " + lin.explanation());
            }
        }
        long acked = clients.stream().mapToLong(c -> c.opsAcknowledged).sum();
        return new SimulationResult(options, steps, now, elections, checker.maxCommitted(), acked,
                history.size(), List.copyOf(notable), healedElections, healedTermChanges, rewriter.rewritten());
    }

    /**
     * The client history, with every write's fate settled: once the replicas have converged, a
     * write whose client gave up either is in the committed log at the index a leader gave it
     * (it took effect, at the latest when a node first applied it) or is not (it never took
     * effect: each command is proposed once). So the checker sees no unknown writes, which
     * keeps it fast. Reads the client gave up on had no effect and are left out.
     */
    private HistoryRecorder<KvInput, KvOutput> buildHistory() {
        SimNode reference = nodes.get(leader());
        HistoryRecorder<KvInput, KvOutput> history = new HistoryRecorder<>();
        for (SimClient.Op op : operations) {
            if (op.consistency == ReadConsistency.LOCAL) {
                continue; // possibly stale by design: checked for per-node monotonicity as it was served
            }
            if (op.acknowledged) {
                history.ok(history.invoke(op.client.id, op.input, op.callTime), op.output, op.returnTime);
            } else if (op.input instanceof KvInput.Put && op.proposedIndex > 0
                    && op.proposedIndex <= reference.raft.commitIndex()
                    && committedTerm(reference, op.proposedIndex) == op.proposedTerm) {
                long appliedAt = firstApplied.get(op.proposedIndex);
                history.ok(history.invoke(op.client.id, op.input, op.callTime), KvOutput.done(), appliedAt);
            }
        }
        return history;
    }

    /** The term of the committed entry at {@code index}, also when the reference compacted it away. */
    private long committedTerm(SimNode reference, long index) {
        long t = reference.raft.termAt(index);
        return t >= 0 ? t : checker.committedTermAt(index);
    }

    /**
     * Runs events until {@code condition} holds (checked after every step) or {@code maxMicros}
     * of virtual time pass.
     *
     * @return whether the condition holds
     */
    public boolean runUntil(java.util.function.BooleanSupplier condition, long maxMicros) {
        long deadline = now + maxMicros;
        while (!condition.getAsBoolean()) {
            if (events.isEmpty() || events.peek().time > deadline) {
                return false;
            }
            step();
        }
        return true;
    }

    private long highestTerm() {
        long t = 0;
        for (SimNode n : counted()) {
            t = Math.max(t, n.raft.term());
        }
        return t;
    }

    /**
     * Once the workload stops, the replicas must converge. A replica far behind catches up at the
     * pace the flow-control settings allow (with a window of one single-entry append, one entry
     * per round trip), so a fixed bound would be either too tight for a long backlog or too loose
     * for a short one. Instead: in every 20 election timeouts the slowest replica must apply more
     * (no stall), and the whole catch-up must end within 20 election timeouts plus twice the
     * backlog at the start times the worst time per entry (a round trip with the longest delays
     * and sync and a heartbeat, over the chance that an append and its answer both arrive,
     * divided by the appends in flight).
     */
    private void awaitConvergence(long electionTimeout) {
        long window = 20 * electionTimeout;
        long backlog = backlog();
        double delivered = (1 - options.lossRate()) * (1 - options.lossRate());
        long roundTrip = 2 * options.maxDelayMicros() + options.maxSyncMicros()
                + (long) SimOptions.HEARTBEAT_TICKS * SimOptions.TICK_MICROS;
        long perEntry = (long) Math.ceil(roundTrip / delivered / Math.max(1, options.maxInflightMsgs()));
        long bound = window + 2 * backlog * perEntry;
        long start = now;
        long slowest = slowestApplied();
        while (!runUntil(this::converged, window)) {
            long applied = slowestApplied();
            if (applied <= slowest) {
                throw violation("liveness: replicas did not converge, and the slowest applied nothing more in 20"
                        + " election timeouts: " + describeNodes());
            }
            if (now - start > bound) {
                throw violation("liveness: replicas did not converge within " + bound / 1000.0 + "ms (20 election"
                        + " timeouts + 2 x a backlog of " + backlog + " entries x " + perEntry + "us per entry): "
                        + describeNodes());
            }
            slowest = applied;
        }
    }

    /** How far the slowest live replica's applied index is behind the longest log. */
    private long backlog() {
        long last = 0;
        for (SimNode n : counted()) {
            last = Math.max(last, n.raft.lastIndex());
        }
        return Math.max(0, last - slowestApplied());
    }

    private long slowestApplied() {
        long min = Long.MAX_VALUE;
        for (SimNode n : counted()) {
            if (n.up) {
                min = Math.min(min, n.lastApplied);
            }
        }
        return min == Long.MAX_VALUE ? 0 : min;
    }

    private boolean converged() {
        String leader = leader();
        if (leader == null) {
            return false;
        }
        long commit = nodes.get(leader).raft.commitIndex();
        for (SimNode n : counted()) {
            if (!n.up || n.lastApplied < commit || n.raft.commitIndex() != commit) {
                return false;
            }
        }
        return true;
    }

    private void checkReplicasAgree() {
        Set<Long> acked = acknowledgedPuts;
        Map<String, String> reference = null;
        for (SimNode n : counted()) {
            if (n.stateMachine instanceof KvStateMachine kv) {
                for (long op : acked) {
                    if (!kv.applied(op)) {
                        throw violation("acknowledged put " + op + " was never applied on " + n.id);
                    }
                }
                if (reference == null) {
                    reference = kv.snapshot();
                } else if (!reference.equals(kv.snapshot())) {
                    throw violation("replicas diverged: " + n.id + " has " + kv.snapshot() + " but n1 has " + reference);
                }
            }
        }
    }

    // --- the cluster --------------------------------------------------------------------------

    private void scheduleTick(SimNode node, long delay) {
        int incarnation = node.incarnation;
        at(now + delay, node.id, () -> {
            if (!node.up || node.incarnation != incarnation) {
                return;
            }
            if (!node.paused) {
                node.raft.tick();
                node.router.tick();
                String target = node.stallGuard.tick(node.host.oldestPendingWrite(), node.raft);
                if (target != null) {
                    note("%.3fms %s steps away: its disk stalled; hands leadership to %s", now / 1000.0, node.id, target);
                    node.raft.transferLeadership(target);
                }
                process(node);
            }
            scheduleTick(node, Math.round(SimOptions.TICK_MICROS * node.tickFactor));
        }, () -> "tick " + node.id);
    }

    /**
     * Starts a (new) incarnation of {@code node} with its own {@link ReadyPipeline}: the runtime's
     * host code, here with storage completions and their callbacks as events of their own.
     */
    private void boot(SimNode node) {
        node.boot(random);
        int incarnation = node.incarnation;
        if (serving.leases() && options.checkQuorum()) {
            // as the runtime: a lease relies on followers ignoring votes while they hear from a leader
            node.raft.enableLeaseReads(SimServing.LEASE_TICKS);
        }
        bootRouting(node);
        node.stallGuard = new io.raftkit.server.StalledWriteGuard(serving.stalledDisks() ? SimServing.STALLED_WRITE_TICKS : 0);
        ReadyPipeline.ApplySink sink = new ReadyPipeline.ApplySink() {
            @Override
            public void softState(SoftState s) {
                if (node.lastRole == Role.LEADER && s.role() != Role.LEADER) {
                    node.forwardServer.leadershipLost(s.leaderId());
                }
                // the soft state also changes with the configuration: a leader of the same term is no election
                boolean elected = s.role() == Role.LEADER && (node.lastRole != Role.LEADER || node.lastTerm != s.term());
                node.lastRole = s.role();
                node.lastTerm = s.term();
                node.router.leaderChanged(s.leaderId(), s.term());
                if (elected) {
                    elections++;
                    checker.becameLeader(node);
                    memberChecker.becameLeader(node.id, s.term());
                    note("%.3fms %s became leader of term %d", now / 1000.0, node.id, node.raft.term());
                }
            }

            @Override
            public void committed(List<Entry> entries) {
                for (Entry e : entries) {
                    apply(node, e);
                    recordState(node, e.index(), false);
                }
                maybeSnapshot(node, incarnation);
            }

            @Override
            public void readStates(List<ReadState> readStates) {
                for (ReadState rs : readStates) {
                    if (!node.forwardServer.readConfirmed(rs)) {
                        node.waitingReads.add(rs);
                    }
                }
            }

            @Override
            public void restore(SnapshotMeta meta) {
                restoreFromLeader(node, meta);
            }
        };
        ReadyPipeline.Snapshots snapshots = new ReadyPipeline.Snapshots() {
            @Override
            public SnapshotStore store() {
                return node.snapshots;
            }

            @Override
            public CompletableFuture<Void> compact(SnapshotMeta meta) {
                // the install's write: it carries the Ready's persisted messages (the "done" answer)
                CompletableFuture<Void> write = node.storage.compact(meta);
                node.writeSendsToOthers.addLast(sendsToOthers(node));
                scheduleSync(node, incarnation);
                return write;
            }

            @Override
            public void received(StoredSnapshot stored) {
                note("%.3fms %s received the snapshot at %d (%d bytes)", now / 1000.0, node.id, stored.meta().index(),
                        stored.sizeBytes());
            }
        };
        node.host = new ReadyPipeline(node.raft, node.storage.hardState(), (hs, entries) -> {
            checker.writing(node, entries);
            CompletableFuture<Void> write = node.storage.append(hs, entries);
            if (handling.snapshot() == null) { // else the compaction before it carries the messages
                node.writeSendsToOthers.addLast(sendsToOthers(node));
            }
            scheduleSync(node, incarnation);
            return write;
        }, m -> send(node, m), sink, () -> scheduleWakeup(node, incarnation),
                callback -> scheduleCallback(node, incarnation, callback), snapshots);
        if (node.restoredAtBoot > 0) {
            recordState(node, node.restoredAtBoot, true);
            node.restoredAtBoot = 0;
        }
        memberChecker.restartedAt(node.id, configAtApplied(node));
    }

    private boolean sendsToOthers(SimNode node) {
        return handling.persistedMessages().stream().anyMatch(m -> !m.to().equals(node.id));
    }

    /** The state machine's digest after {@code index}, compared across replicas (built-in workload only). */
    private void recordState(SimNode node, long index, boolean restored) {
        if (node.stateMachine instanceof KvStateMachine kv) {
            checker.stateAt(node, index, kv.stateHash(), restored);
        }
    }

    /**
     * What the runtime's apply thread does for a snapshot installed from the leader: restore the
     * state machine from the store (the pipeline committed it there before the core switched).
     */
    private void restoreFromLeader(SimNode node, SnapshotMeta meta) {
        StoredSnapshot stored = node.snapshots.latest().orElse(null);
        if (stored == null || !stored.meta().equals(meta)) {
            throw violation("snapshot: " + node.id + " must restore " + meta + " but its store holds "
                    + (stored == null ? "none" : stored.meta()));
        }
        try (InputStream in = stored.open()) {
            node.stateMachine.restoreSnapshot(in, meta.index());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        snapshotsInstalled++;
        memberChecker.restartedAt(node.id, meta.config());
        node.lastApplied = meta.index();
        node.snapshotIndex = Math.max(node.snapshotIndex, meta.index());
        recordState(node, meta.index(), true);
        // proposals this node made as leader, now inside the snapshot: their fate is not known here
        var it = node.proposals.entrySet().iterator();
        while (it.hasNext()) {
            var p = it.next();
            if (p.getKey() <= meta.index()) {
                it.remove();
                reply(p.getValue().op(), null, null, true);
            }
        }
        note("%.3fms %s installed the snapshot at %d", now / 1000.0, node.id, meta.index());
    }

    /**
     * The host's snapshot policy, as the runtime's: past the threshold, capture the state machine,
     * write and commit the snapshot to the node's store, tell the core, and compact the log keeping
     * the margin. The compaction is a write of its own, durable at its sync.
     */
    private void maybeSnapshot(SimNode node, int incarnation) {
        if (!node.snapshotsSupported || node.lastApplied - node.snapshotIndex < snapshotEvery) {
            return;
        }
        if (sendingSnapshot(node) && node.lastApplied - node.snapshotIndex < MAX_SNAPSHOT_DEFERRAL) {
            // the store keeps only the newest snapshot: replacing it would lose the transfer in
            // progress, and under a steady load a new node's first transfer would never finish
            return;
        }
        SnapshotMeta meta = node.raft.snapshotMetaAt(node.lastApplied);
        StoredSnapshot stored;
        try {
            StateSnapshot view = node.stateMachine.captureSnapshot();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            view.writeTo(bytes);
            view.close();
            try (SnapshotSink sink = node.snapshots.begin(meta)) {
                sink.write(bytes.toByteArray(), 0, bytes.size());
                stored = sink.commit(null);
            }
        } catch (UnsupportedOperationException e) {
            node.snapshotsSupported = false;
            return;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        snapshotsTaken++;
        node.snapshotIndex = meta.index();
        node.raft.snapshotAvailable(new SnapshotInfo(meta, stored.sizeBytes(), stored.crc32c()));
        long compactTo = meta.index() - compactionMargin;
        if (compactTo > node.storage.firstIndex() - 1) {
            node.storage.compact(node.raft.snapshotMetaAt(compactTo));
            scheduleSync(node, incarnation);
            compactions++;
        }
    }

    /** Entries a leader may apply past its snapshot while it holds back a new one for a transfer. */
    private static final int MAX_SNAPSHOT_DEFERRAL = 500;

    /** Whether {@code node} leads and is sending its snapshot to a follower. */
    private static boolean sendingSnapshot(SimNode node) {
        if (node.raft.role() != Role.LEADER) {
            return false;
        }
        for (String id : node.raft.clusterConfig().members()) {
            var pr = id.equals(node.id) ? null : node.raft.progress(id);
            if (pr != null && pr.snapshotBytesTotal() > 0) {
                return true;
            }
        }
        return false;
    }

    /** Snapshots taken in this run, by all nodes. */
    public long snapshotsTaken() {
        return snapshotsTaken;
    }

    /** Snapshots installed from a leader in this run, by all nodes. */
    public long snapshotsInstalled() {
        return snapshotsInstalled;
    }

    /** Log compactions in this run, by all nodes. */
    public long compactions() {
        return compactions;
    }

    /** The first index in node {@code id}'s log (the entries before it were compacted). */
    public long firstIndex(String id) {
        return nodes.get(id).raft.firstIndex();
    }

    /**
     * Lets {@code node} do what its loop does in one turn: report applied progress, release
     * durable writes, handle every Ready, until none is left.
     */
    private void process(SimNode node) {
        ReadyPipeline host = node.host;
        do {
            node.raft.appliedTo(node.lastApplied);
            host.releaseDurable();
            while (node.raft.hasReady()) {
                Ready rd = node.raft.ready();
                checker.queued(node, rd.persistedMessages());
                handling = rd;
                host.handleReady(rd);
                node.raft.appliedTo(node.lastApplied); // this host applies at once, in the sink
            }
        } while (host.hasReleasable());
        serveReads(node);
        // the end of the loop's turn: what it forwarded and answered leaves, batched
        node.router.flush();
        node.forwardServer.flush();
    }

    private void apply(SimNode node, Entry e) {
        long smApplied = node.stateMachine.lastAppliedIndex();
        checker.applying(node, e, options.durableStateMachine() || commandSource != null, smApplied);
        SimNode.PendingProposal proposal = node.proposals.remove(e.index());
        SimNode.PendingForward forward = node.forwarded.remove(e.index());
        if (e.type() == EntryType.CONFIG) {
            ClusterConfig config = ClusterConfig.decode(e.data());
            memberChecker.applying(node.id, e.index(), e.term(), config);
        }
        if (e.type() != EntryType.COMMAND) {
            if (proposal != null) {
                reply(proposal.op(), null, null, true);
            }
            if (forward != null) {
                node.forwardServer.commandDone(forward.command(), RouteStatus.UNKNOWN_OUTCOME, null);
            }
            return;
        }
        firstApplied.putIfAbsent(e.index(), now);
        byte[] result = node.stateMachine.apply(e.index(), e.data());
        int resultHash = Arrays.hashCode(result);
        Integer known = resultHashes.putIfAbsent(e.index(), resultHash);
        if (known != null && known != resultHash) {
            throw violation("determinism: " + node.id + "'s state machine returned a different result at index "
                    + e.index() + " than another replica's");
        }
        if (node.stateMachine instanceof KvStateMachine kv && kv.duplicateOp() >= 0) {
            throw violation("exactly-once: " + node.id + " applied operation " + kv.duplicateOp() + " twice");
        }
        if (proposal != null) {
            if (proposal.term() == e.term()) {
                reply(proposal.op(), KvOutput.done(), null, false);
            } else {
                reply(proposal.op(), null, null, true); // another leader's entry took its place
            }
        }
        if (forward != null) {
            node.forwardServer.commandDone(forward.command(),
                    forward.term() == e.term() ? RouteStatus.OK : RouteStatus.UNKNOWN_OUTCOME, result);
        }
    }

    private void serveReads(SimNode node) {
        if (node.waitingReads.isEmpty()) {
            return;
        }
        var it = node.waitingReads.iterator();
        while (it.hasNext()) {
            ReadState rs = it.next();
            if (node.lastApplied >= rs.index()) {
                it.remove();
                SimClient.Op op = node.reads.remove(rs.requestId());
                if (op != null) {
                    KvInput.Get get = (KvInput.Get) op.input;
                    String value = KvStateMachine.decodeValue(node.stateMachine.query(KvStateMachine.get(get.key())));
                    reply(op, value == null ? KvOutput.absent() : KvOutput.value(value), null, false);
                }
            }
        }
    }

    /**
     * The disk syncs the oldest pending write: its future completes (syncs complete in order, as
     * a group-commit writer completes them). The completion callback is an event of its own.
     */
    private void scheduleSync(SimNode node, int incarnation) {
        long latency = minSync + random.nextInt(maxSync - minSync + 1);
        long at = Math.max(Math.max(now + latency, node.lastSyncAt), faultsOn ? node.stalledUntil : 0);
        node.lastSyncAt = at;
        at(at, node.id, () -> whenRunning(node, incarnation, node.storage::syncOne), () -> "sync " + node.id);
    }

    /**
     * The completion callback of a synced write, on the "storage thread": it sends the write's
     * persisted messages early unless the loop released them first, and wakes the loop. It runs a
     * seeded while after the sync, so the loop (any event of this node) may release the write
     * before it or after it; callbacks run in completion order, as on one writer thread.
     */
    private void scheduleCallback(SimNode node, int incarnation, Runnable callback) {
        long at = Math.max(now + random.nextInt(MAX_CALLBACK_DELAY_MICROS + 1), node.lastCallbackAt);
        node.lastCallbackAt = at;
        at(at, node.id, () -> whenRunning(node, incarnation, () -> {
            boolean sendsToOthers = node.writeSendsToOthers.removeFirst();
            long before = callbackSends;
            callbackInProgress = true;
            try {
                callback.run();
            } finally {
                callbackInProgress = false;
            }
            if (sendsToOthers) {
                if (callbackSends > before) {
                    sentByCallback++;
                } else {
                    sentAtRelease++; // the loop released the write first
                }
            }
        }), () -> "storage callback " + node.id);
    }

    /** The callback woke the loop: it releases what is durable at its next turn. */
    private void scheduleWakeup(SimNode node, int incarnation) {
        at(now + random.nextInt(MAX_WAKEUP_DELAY_MICROS + 1), node.id,
                () -> whenRunning(node, incarnation, () -> process(node)), () -> "wake loop " + node.id);
    }

    /** Runs {@code action} if the node's incarnation is still running; defers it while paused. */
    private void whenRunning(SimNode node, int incarnation, Runnable action) {
        if (!node.up || node.incarnation != incarnation) {
            return;
        }
        if (node.paused) {
            node.pausedInbox.add(action);
            return;
        }
        action.run();
    }

    private void send(SimNode from, Message m) {
        checker.sending(from, m);
        tap.accept(m);
        if (callbackInProgress) {
            callbackSends++;
        }
        int a = ids.indexOf(m.from());
        int b = ids.indexOf(m.to());
        boolean heartbeatLost = m instanceof Heartbeat && heartbeatCuts.contains(a * ids.size() + b);
        if (b < 0 || cut[a][b] || heartbeatLost || random.nextDouble() < lossRate) {
            if (trace != null) {
                trace.printf("%10s   drop %s%n", "", m);
            }
            return;
        }
        // another correct leader's appends, built from the sender's log now (fault phase only)
        List<? extends Message> carried = m instanceof AppendRequest append && faultsOn
                ? rewriter.rewrite(from.raft, append) : List.of(m);
        for (Message c : carried) {
            deliverLater(c);
            if (random.nextDouble() < duplicateRate) {
                deliverLater(c);
            }
        }
    }

    private void deliverLater(Message m) {
        long delay = networkDelay();
        SimNode to = nodes.get(m.to());
        int from = ids.indexOf(m.from());
        int dest = ids.indexOf(m.to());
        at(now + delay, to.id, () -> {
            if (!to.up || cut[from][dest]) {
                return; // a partition also drops what was already on the wire
            }
            int incarnation = to.incarnation;
            whenRunning(to, incarnation, () -> {
                if (m.kind().isRouting()) {
                    route(to, m);
                } else {
                    to.raft.step(m);
                }
                process(to);
            });
        }, () -> "deliver " + m);
    }

    // --- clients -------------------------------------------------------------------------------

    private void startOp(SimClient client) {
        if (!workloadOn) {
            return;
        }
        long opId = nextOpId++;
        KvInput input;
        if (commandSource == null
                && random.nextDouble() < (client.readFraction >= 0 ? client.readFraction : options.readFraction())) {
            input = KvInput.get(key());
        } else {
            input = KvInput.put(key(), "c" + client.id + "." + opId);
        }
        SimClient.Op op = new SimClient.Op(client, now, opId, input);
        if (input instanceof KvInput.Put put) {
            op.command = commandSource != null ? commandSource.next(random, client.id, opId)
                    : KvStateMachine.put(put.key(), put.value(), opId);
            commandOps.put(op.command, op);
        } else if (serving.leaseShare() > 0 || serving.localShare() > 0) {
            double x = random.nextDouble();
            op.consistency = x < serving.localShare() ? ReadConsistency.LOCAL
                    : x < serving.localShare() + serving.leaseShare() ? ReadConsistency.LEASE
                    : ReadConsistency.LINEARIZABLE;
        }
        opsById.put(opId, op);
        operations.add(op);
        client.current = op;
        client.opsStarted++;
        attempt(op);
        at(now + clientTimeout, null, () -> {
            if (!op.done) {
                reply(op, null, null, true);
            }
        }, () -> "client " + client.id + " times out op " + opId);
    }

    private long networkDelay() {
        return minDelay + random.nextInt(maxDelay - minDelay + 1);
    }

    private String key() {
        return "k" + random.nextInt(options.keys());
    }

    private void attempt(SimClient.Op op) {
        SimNode node = nodes.get(op.client.target);
        long delay = networkDelay();
        at(now + delay, node.id, () -> {
            if (op.done || !node.up) {
                return; // the client times out
            }
            whenRunning(node, node.incarnation, () -> receive(node, op));
        }, () -> "client " + op.client.id + " op " + op.opId + " " + op.input + " at " + node.id);
    }

    private void receive(SimNode node, SimClient.Op op) {
        try {
            boolean leads = node.raft.role() == Role.LEADER;
            if (op.input instanceof KvInput.Get) {
                if (op.consistency == ReadConsistency.LOCAL) {
                    serveLocal(node, op);
                    return;
                }
                if (!leads && serving.anyNode()) {
                    node.router.forwardRead(op, op.consistency == ReadConsistency.LEASE);
                    process(node);
                    return;
                }
                long leaseIndex = op.consistency == ReadConsistency.LEASE ? node.raft.leaseReadIndex() : -1;
                if (leaseIndex >= 0) {
                    node.reads.put(op.opId, op);
                    node.waitingReads.add(new ReadState(op.opId, leaseIndex));
                } else {
                    node.raft.readIndex(op.opId);
                    node.reads.put(op.opId, op);
                }
            } else {
                if (!leads && serving.anyNode()) {
                    node.router.forwardWrite(op);
                    process(node);
                    return;
                }
                long index = node.raft.propose(op.command);
                op.proposedIndex = index;
                op.proposedTerm = node.raft.term();
                node.proposals.put(index, new SimNode.PendingProposal(node.raft.term(), op));
            }
            process(node);
        } catch (NotLeaderException e) {
            reply(op, null, e.leaderId() == null ? "" : e.leaderId(), false);
        }
    }

    /**
     * A LOCAL read: this node's state machine as it is. It may be stale, so it is not part of the
     * linearizability check; but on one running node it must never go back in log order: the
     * write whose value it sees may not be older than the one the previous LOCAL read of the key saw.
     */
    private void serveLocal(SimNode node, SimClient.Op op) {
        KvInput.Get get = (KvInput.Get) op.input;
        String value = KvStateMachine.decodeValue(node.stateMachine.query(KvStateMachine.get(get.key())));
        long writtenAt = 0;
        if (value != null) {
            SimClient.Op writer = opsById.get(Long.parseLong(value.substring(value.indexOf('.') + 1)));
            writtenAt = writer == null ? 0 : writer.proposedIndex;
        }
        Map<String, Long> floor = localReadFloor.computeIfAbsent(node.id + "#" + node.incarnation, k -> new HashMap<>());
        long previous = floor.getOrDefault(get.key(), 0L);
        if (writtenAt < previous) {
            throw violation("LOCAL read went back in time on " + node.id + ": key " + get.key() + " shows the value"
                    + " written at index " + writtenAt + " after a LOCAL read saw the one written at " + previous);
        }
        floor.put(get.key(), writtenAt);
        localReads++;
        reply(op, value == null ? KvOutput.absent() : KvOutput.value(value), null, false);
    }

    /** A forwarding or follower-read message: the runtime's routing code takes it, not the core. */
    private void route(SimNode node, Message m) {
        switch (m.kind()) {
            case FORWARD_REQUEST -> node.forwardServer.onForward((ForwardRequest) m);
            case READ_INDEX_REQUEST -> node.forwardServer.onReadIndexRequest((ReadIndexRequest) m);
            case FORWARD_RESPONSE -> node.router.onResponse((ForwardResponse) m);
            case READ_INDEX_RESPONSE -> node.router.onResponse((ReadIndexResponse) m);
            default -> throw new IllegalStateException("not a routing message: " + m);
        }
    }

    /**
     * This incarnation's {@link RequestRouter} and {@link ForwardServer}, the runtime's own
     * classes, with the simulator's clients as their requests.
     */
    private void bootRouting(SimNode node) {
        int incarnation = node.incarnation;
        RequestRouter.Requests<SimClient.Op> requests = new RequestRouter.Requests<>() {
            @Override
            public byte[] payload(SimClient.Op op) {
                return op.command;
            }

            @Override
            public boolean isDone(SimClient.Op op) {
                return op.done;
            }

            @Override
            public boolean markSent(SimClient.Op op) {
                return !op.done;
            }

            @Override
            public void markUnsent(SimClient.Op op) {
                // the simulated client's timeout always says "unknown"
            }

            @Override
            public void succeeded(SimClient.Op op, byte[] result) {
                reply(op, KvOutput.done(), null, false);
            }

            @Override
            public void failed(SimClient.Op op, RuntimeException cause) {
                boolean nothingDone = cause instanceof OverloadedException || cause instanceof NotLeaderException;
                reply(op, null, nothingDone ? "" : null, !nothingDone);
            }

            @Override
            public void readIndexKnown(SimClient.Op op, long index) {
                node.reads.put(op.opId, op);
                node.waitingReads.add(new ReadState(op.opId, index));
            }

            @Override
            public void serveLocally(SimClient.Op op, boolean read) {
                // as the runtime's loop does, at its next turn (never inside the Ready being handled)
                at(now, node.id, () -> whenRunning(node, incarnation, () -> {
                    if (!op.done) {
                        receive(node, op);
                    }
                }), () -> "serve op " + op.opId + " locally at " + node.id);
            }
        };
        long firstId = ((options.seed() * 31 + node.id.hashCode()) * 1_000_003L + ((long) incarnation << 36))
                & ((1L << 46) - 1);
        node.router = new RequestRouter<>(node.id, requests, m -> send(node, m), SimOptions.ELECTION_TICKS / 2,
                SimServing.MAX_BATCH_BYTES, firstId);
        node.forwardServer = new ForwardServer(node.id, new ForwardServer.Host() {
            @Override
            public boolean canPropose() {
                return node.raft.canPropose();
            }

            @Override
            public String leaderHint() {
                return node.raft.leaderId();
            }

            @Override
            public long term() {
                return node.raft.term();
            }

            @Override
            public void propose(ForwardServer.Forwarded command) {
                long index = node.raft.propose(command.command());
                SimClient.Op op = commandOps.get(command.command());
                if (op != null) {
                    op.proposedIndex = index;
                    op.proposedTerm = node.raft.term();
                }
                node.forwarded.put(index, new SimNode.PendingForward(node.raft.term(), command));
            }

            @Override
            public void readIndex(long readId) {
                node.raft.readIndex(readId);
            }

            @Override
            public long leaseReadIndex() {
                return node.raft.leaseReadIndex();
            }
        }, m -> send(node, m), 64, SimServing.MAX_BATCH_BYTES, ForwardServer.ForwardMetrics.NONE);
    }

    /**
     * Answers a client after a network delay.
     *
     * @param output   the result, or null
     * @param redirect the leader to retry at ("" for unknown), or null
     * @param unknown  the outcome is unknown
     */
    private void reply(SimClient.Op op, KvOutput output, String redirect, boolean unknown) {
        long delay = networkDelay();
        at(now + delay, null, () -> {
            if (op.done) {
                return;
            }
            SimClient client = op.client;
            if (redirect != null) {
                // the node did nothing with it: retry the same operation elsewhere
                client.target = redirect.isEmpty() || !nodes.containsKey(redirect)
                        ? randomClientTarget() : redirect;
                at(now + SimOptions.TICK_MICROS, null, () -> {
                    if (!op.done) {
                        attempt(op);
                    }
                }, () -> "client " + client.id + " retries op " + op.opId);
                return;
            }
            op.done = true;
            if (unknown) {
                client.target = randomClientTarget();
            } else {
                op.acknowledged = true;
                op.output = output;
                op.returnTime = now;
                client.opsAcknowledged++;
                if (op.input instanceof KvInput.Put) {
                    acknowledgedPuts.add(op.opId);
                }
            }
            at(now + random.nextInt(SimOptions.TICK_MICROS), null, () -> startOp(client), () -> "client " + client.id + " next op");
        }, () -> "reply to client " + op.client.id + " op " + op.opId
                + (unknown ? " unknown" : redirect != null ? " redirect " + redirect : " " + output));
    }

    // --- faults --------------------------------------------------------------------------------

    private void scheduleChaos() {
        long delay = 3 * SimOptions.TICK_MICROS + random.nextInt(30 * SimOptions.TICK_MICROS);
        at(now + delay, null, () -> {
            if (!faultsOn) {
                return;
            }
            chaos();
            scheduleChaos();
        }, () -> "chaos");
    }

    private void chaos() {
        List<Runnable> actions = new ArrayList<>();
        if (options.partitions()) {
            actions.add(this::partitionOrHeal);
        }
        if (options.crashes()) {
            actions.add(this::crashSomeone);
        }
        if (pauses()) {
            actions.add(this::pauseSomeone);
        }
        if (serving.stalledDisks()) {
            actions.add(this::stallSomeonesDisk);
        }
        actions.get(random.nextInt(actions.size())).run();
    }

    private void partitionOrHeal() {
        boolean partitioned = false;
        for (boolean[] row : cut) {
            for (boolean c : row) {
                partitioned |= c;
            }
        }
        if (partitioned && random.nextBoolean()) {
            healNetwork();
            note("%.3fms network healed", now / 1000.0);
            return;
        }
        healNetwork();
        int n = ids.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        shuffle(order);
        int split = 1 + random.nextInt(n - 1);
        Set<Integer> a = new HashSet<>(order.subList(0, split));
        int shape = random.nextInt(3);
        Integer bridge = shape == 2 && n >= 3 ? order.get(n - 1) : null;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                boolean crosses = a.contains(i) != a.contains(j);
                if (!crosses || (bridge != null && (i == bridge || j == bridge))) {
                    continue;
                }
                if (shape == 1) {
                    cut[i][j] = a.contains(i); // one-way: A cannot reach B, B still reaches A
                } else {
                    cut[i][j] = true;
                }
            }
        }
        note("%.3fms partition (%s): %s | rest%s", now / 1000.0, shape == 0 ? "split" : shape == 1 ? "one-way" : "bridge",
                names(a), bridge != null ? ", bridge " + ids.get(bridge) : "");
    }

    private void shuffle(List<Integer> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Integer t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private List<String> names(Collection<Integer> indexes) {
        return indexes.stream().sorted().map(ids::get).toList();
    }

    private void crashSomeone() {
        SimNode node = nodes.get(ids.get(random.nextInt(ids.size())));
        if (!node.up || node.retired) {
            return;
        }
        crash(node.id);
        long downFor = 2 * SimOptions.TICK_MICROS + random.nextInt(40 * SimOptions.TICK_MICROS);
        at(now + downFor, null, () -> {
            if (!node.up) {
                restart(node.id);
            }
        }, () -> "restart " + node.id);
    }

    /** A pause stops a node's clock: with leases on it is drift beyond any bound, so none then. */
    private boolean pauses() {
        return options.pauses() && !serving.leases();
    }

    /** A disk stalls: the node's writes complete only after a while (up to two election timeouts). */
    private void stallSomeonesDisk() {
        String leader = leader();
        // the leader's disk half the time: that is where a stall matters (StalledWriteGuard)
        SimNode node = nodes.get(leader != null && random.nextBoolean() ? leader : ids.get(random.nextInt(ids.size())));
        if (!node.up) {
            return;
        }
        long stallFor = SimOptions.TICK_MICROS + random.nextInt(2 * SimOptions.ELECTION_TICKS * SimOptions.TICK_MICROS);
        node.stalledUntil = Math.max(node.stalledUntil, now + stallFor);
        note("%.3fms %s's disk stalls for %.3fms", now / 1000.0, node.id, stallFor / 1000.0);
    }

    private void pauseSomeone() {
        SimNode node = nodes.get(ids.get(random.nextInt(ids.size())));
        if (!node.up || node.paused) {
            return;
        }
        node.paused = true;
        int incarnation = node.incarnation;
        note("%.3fms %s paused", now / 1000.0, node.id);
        long pauseFor = 2 * SimOptions.TICK_MICROS + random.nextInt(40 * SimOptions.TICK_MICROS);
        at(now + pauseFor, node.id, () -> {
            if (node.incarnation == incarnation) {
                resume(node);
            }
        }, () -> "resume " + node.id);
    }

    private void resume(SimNode node) {
        if (!node.paused) {
            return;
        }
        node.paused = false;
        List<Runnable> inbox = new ArrayList<>(node.pausedInbox);
        node.pausedInbox.clear();
        for (Runnable r : inbox) {
            if (node.up) {
                r.run();
            }
        }
    }

    /** Crashes a node: it loses every write not yet synced (and, if enabled, may keep a torn one). */
    public void crash(String id) {
        SimNode node = nodes.get(id);
        if (!node.up) {
            return;
        }
        node.up = false;
        node.storage = node.storage.crash(options.tornWrites() ? new java.util.Random(random.nextLong()) : null);
        boolean keep = commandSource == null ? options.durableStateMachine() : node.stateMachine.lastAppliedIndex() > 0;
        if (!keep) {
            node.stateMachine = stateMachineFactory.get();
        }
        note("%.3fms %s crashed", now / 1000.0, id);
    }

    /** Restarts a crashed node from its disk. */
    public void restart(String id) {
        SimNode node = nodes.get(id);
        if (node.up || node.retired) {
            return;
        }
        boot(node);
        note("%.3fms %s restarted (log to %d, commit %d, applied %d)", now / 1000.0, id, node.raft.lastIndex(),
                node.raft.commitIndex(), node.lastApplied);
        scheduleTick(node, random.nextInt(SimOptions.TICK_MICROS));
    }

    /** Cuts {@code id} off from every other node, both ways. */
    public void isolate(String id) {
        int i = ids.indexOf(id);
        for (int j = 0; j < ids.size(); j++) {
            if (j != i) {
                cut[i][j] = true;
                cut[j][i] = true;
            }
        }
    }

    /** Splits the cluster: nodes in {@code side} talk only to each other, the rest likewise. */
    public void partition(Set<String> side) {
        healNetwork();
        for (int i = 0; i < ids.size(); i++) {
            for (int j = 0; j < ids.size(); j++) {
                if (side.contains(ids.get(i)) != side.contains(ids.get(j))) {
                    cut[i][j] = true;
                }
            }
        }
    }

    /** Cuts the link from {@code from} to {@code to} only: messages the other way still arrive. */
    public void cutOneWay(String from, String to) {
        cut[ids.indexOf(from)][ids.indexOf(to)] = true;
    }

    /** Loses every heartbeat from {@code from} to {@code to} (appends still arrive) until the network heals. */
    public void dropHeartbeats(String from, String to) {
        heartbeatCuts.add(ids.indexOf(from) * ids.size() + ids.indexOf(to));
    }

    /** Cuts the link between two nodes, both ways. */
    public void disconnect(String a, String b) {
        cutOneWay(a, b);
        cutOneWay(b, a);
    }

    /** Clients stop starting operations (those under way finish or time out). */
    public void stopClients() {
        workloadOn = false;
    }

    /** Sends client {@code client}'s next attempts to node {@code id} (until it is redirected or times out). */
    public void pointClient(int client, String id) {
        clients.get(client).target = id;
    }

    /** Sets client {@code client}'s share of reads (for scenarios: clients that only read, or only write). */
    public void setClientReadFraction(int client, double fraction) {
        if (fraction < 0 || fraction > 1) {
            throw new IllegalArgumentException("fraction must be in [0, 1], was " + fraction);
        }
        clients.get(client).readFraction = fraction;
    }

    /**
     * Sets how fast node {@code id}'s clock runs: it ticks every {@code factor} nominal ticks (above 1:
     * a slow clock). With leases on, the factor must stay within the drift bound the lease allows
     * ({@link SimServing#LEASE_SKEW}); a scenario sets it to the edge of the bound. Healing all
     * faults sets every clock back to 1.
     */
    public void setClockRate(String id, double factor) {
        if (serving.leases() && Math.abs(factor - 1) > SimServing.LEASE_SKEW + 1e-9) {
            throw new IllegalArgumentException("with leases on a clock may run at most " + SimServing.LEASE_SKEW
                    + " off the nominal rate, not " + factor);
        }
        if (factor <= 0) {
            throw new IllegalArgumentException("factor must be positive, was " + factor);
        }
        nodes.get(id).tickFactor = factor;
    }

    /**
     * Whether node {@code id} draws the minimum election timeout (the election timeout itself)
     * from now on, each time it draws one (when it joins a new term). Stages the fastest
     * election the configuration allows.
     */
    public void setMinimumElectionTimeout(String id, boolean minimum) {
        nodes.get(id).minimumElectionTimeout = minimum;
    }

    /** Reconnects every link. */
    public void healNetwork() {
        heartbeatCuts.clear();
        for (boolean[] row : cut) {
            Arrays.fill(row, false);
        }
    }

    /** Sets the network's loss and duplication rates (for scenarios). */
    public void setNetwork(double loss, double duplicate) {
        this.lossRate = loss;
        this.duplicateRate = duplicate;
    }

    private void healAll() {
        faultsOn = false;
        healNetwork();
        lossRate = 0;
        duplicateRate = 0;
        // Raft's timing requirement (broadcast time well below the election timeout) must hold
        // again once faults end: long delays and slow disks count among the faults
        maxDelay = Math.min(maxDelay, SimOptions.TICK_MICROS);
        minDelay = Math.min(minDelay, maxDelay);
        maxSync = Math.min(maxSync, SimOptions.TICK_MICROS);
        minSync = Math.min(minSync, maxSync);
        retireRemoved();
        for (SimNode n : nodes.values()) {
            n.tickFactor = 1.0;
            if (!n.up && !n.retired) {
                restart(n.id);
            } else if (n.paused) {
                resume(n);
            }
        }
        note("%.3fms all faults healed", now / 1000.0);
    }

    // --- observers for scenarios ----------------------------------------------------------------

    // --- membership (issue 13) -----------------------------------------------------------------

    /**
     * The nodes liveness and convergence are judged on: every node without membership changes;
     * with them, the members of the leader's configuration (a removed node, or a spare never
     * added, need not converge), or, without a leader, every node ever a member and not removed.
     */
    private List<SimNode> counted() {
        if (!membership.on() && membership.spares() == 0) {
            return List.copyOf(nodes.values());
        }
        String leader = leader();
        Set<String> members = leader != null ? nodes.get(leader).raft.clusterConfig().members() : null;
        List<SimNode> out = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            boolean member = members != null ? members.contains(n.id)
                    : everMember.contains(n.id) && !memberChecker.isRemoved(n.id);
            if (member) {
                out.add(n);
            }
        }
        return out;
    }

    /** The configuration in force at the node's applied index when it boots, or null if its log no longer says. */
    private static ClusterConfig configAtApplied(SimNode node) {
        if (node.lastApplied == 0) {
            return null;
        }
        try {
            return node.raft.snapshotMetaAt(node.lastApplied).config();
        } catch (IllegalArgumentException e) {
            return null; // compacted away and no snapshot at exactly that index
        }
    }

    private void scheduleMembershipChange() {
        long gap = (long) SimOptions.TICK_MICROS * (1 + random.nextInt(2 * membership.meanGapTicks()));
        at(now + gap, null, () -> {
            if (!faultsOn) {
                return;
            }
            retireRemoved();
            changeMembership();
            scheduleMembershipChange();
        }, () -> "membership change");
    }

    /**
     * Asks the leader for a random membership change: add a spare as a learner, promote a learner,
     * remove a member, replace the voters, or hand leadership to another voter. The core refuses
     * what it must (a change in flight, a leader without a commit in its term): that is tested too.
     */
    private void changeMembership() {
        String leaderId = leader();
        if (leaderId == null) {
            return;
        }
        SimNode leader = nodes.get(leaderId);
        ClusterConfig cfg = leader.raft.clusterConfig();
        List<String> fresh = ids.stream().filter(id -> !everMember.contains(id)).toList();
        List<String> learners = List.copyOf(cfg.learners());
        List<String> voters = List.copyOf(cfg.voters());
        Set<String> targetVoters = new java.util.TreeSet<>(cfg.voters());
        Set<String> targetLearners = new java.util.TreeSet<>(cfg.learners());
        String removing = null;
        String what;
        int choice = random.nextInt(6);
        if (choice == 0 && !fresh.isEmpty()) {
            String id = fresh.get(random.nextInt(fresh.size()));
            targetLearners.add(id);
            what = "add learner " + id;
        } else if (choice <= 1 && !learners.isEmpty()) {
            String id = learners.get(random.nextInt(learners.size()));
            targetLearners.remove(id);
            targetVoters.add(id);
            what = "promote " + id;
        } else if (choice == 2 && (voters.size() >= 3 || !learners.isEmpty())) {
            List<String> members = new ArrayList<>(voters.size() >= 3 ? cfg.members() : cfg.learners());
            removing = members.get(random.nextInt(members.size()));
            targetVoters.remove(removing);
            targetLearners.remove(removing);
            what = "remove " + removing;
        } else if (choice == 3 && voters.size() + learners.size() >= 3) {
            // a new voter set from the members: promotions and removals in one joint change
            List<String> pool = new ArrayList<>(cfg.voters());
            pool.addAll(cfg.learners());
            java.util.Collections.shuffle(pool, new java.util.Random(random.nextLong()));
            int size = 2 + random.nextInt(pool.size() - 1);
            targetVoters = new java.util.TreeSet<>(pool.subList(0, size));
            targetLearners.removeAll(targetVoters);
            what = "change voters to " + targetVoters;
        } else if (choice == 4 && voters.size() >= 2) {
            String to = voters.get(random.nextInt(voters.size()));
            if (!to.equals(leaderId)) {
                note("%.3fms %s hands leadership to %s", now / 1000.0, leaderId, to);
                leader.raft.transferLeadership(to);
                process(leader);
            }
            return;
        } else {
            return;
        }
        try {
            long index = leader.raft.proposeConfigChange(new ConfigChange(targetVoters, targetLearners, Map.of()));
            membershipChanges++;
            everMember.addAll(targetLearners);
            everMember.addAll(targetVoters);
            note("%.3fms %s proposes at %d: %s", now / 1000.0, leaderId, index, what);
            if (removing != null && random.nextDouble() < membership.isolateRemoved()) {
                isolate(removing); // it never learns that it was removed; the network heals later
                note("%.3fms %s cut off as it is removed", now / 1000.0, removing);
            }
            process(leader);
        } catch (IllegalStateException | IllegalArgumentException | NotLeaderException e) {
            note("%.3fms %s refuses %s: %s", now / 1000.0, leaderId, what, e.getMessage());
        }
    }

    /**
     * A member whose removal has committed is, if the seed says so, stopped for good. Removal is
     * judged by the checker from the committed configurations applied (a final one without a
     * member of an earlier one), not from a leader's view: the node in the leader role may be a
     * stale leader of an older term (paused or cut off), whose configuration lacks a member added
     * since, or a leader whose log still holds a member's uncommitted addition.
     */
    private void retireRemoved() {
        for (String id : everMember) {
            if (memberChecker.isRemoved(id) && retiredChecked.add(id)) {
                note("%.3fms %s's removal has committed", now / 1000.0, id);
                if (membership.stopRemoved()) {
                    crash(id);
                    nodes.get(id).retired = true;
                }
            }
        }
    }

    /**
     * A node for a client to try: any node; with membership changes, a member (clients are told
     * the membership, as an operator would update their list).
     */
    private String randomClientTarget() {
        if (!membership.on() && membership.spares() == 0) {
            return ids.get(random.nextInt(ids.size()));
        }
        List<SimNode> members = counted();
        return members.isEmpty() ? ids.get(random.nextInt(ids.size())) : members.get(random.nextInt(members.size())).id;
    }

    /** Membership changes proposed in this run. */
    public long membershipChanges() {
        return membershipChanges;
    }

    /**
     * Asks the current leader for a membership change (for scenarios).
     *
     * @return the index of the entry appended
     * @throws IllegalStateException if there is no leader, or the core refuses it
     */
    public long proposeMembership(ConfigChange target) {
        String leaderId = leader();
        if (leaderId == null) {
            throw new IllegalStateException("no leader");
        }
        SimNode leader = nodes.get(leaderId);
        long index = leader.raft.proposeConfigChange(target);
        everMember.addAll(target.voters());
        everMember.addAll(target.learners());
        membershipChanges++;
        process(leader);
        return index;
    }

    /** Records members whose removal has committed, for the checker (a scenario calls it once it has). */
    public void noteRemovals() {
        retireRemoved();
    }

    /** The configuration in force on node {@code id}. */
    public ClusterConfig clusterConfig(String id) {
        return nodes.get(id).raft.clusterConfig();
    }

    /** Whether node {@code id} has a membership change under way. */
    public boolean configChangePending(String id) {
        return nodes.get(id).raft.configChangePending();
    }

    /** Asks the current leader to hand leadership to {@code to}. */
    public void transferLeadership(String to) {
        SimNode leader = nodes.get(leader());
        leader.raft.transferLeadership(to);
        process(leader);
    }

    /** The highest applied index of node {@code id}'s current incarnation. */
    public long lastApplied(String id) {
        return nodes.get(id).lastApplied;
    }

    /** Nodes whose removal committed in this run. */
    public long removedNodes() {
        return memberChecker.removedCount();
    }

    /** Configuration changes applied and checked (over all nodes) in this run. */
    public long configTransitions() {
        return memberChecker.transitions();
    }

    /** The running leader of the highest term, or null. */
    public String leader() {
        String best = null;
        long bestTerm = -1;
        for (SimNode n : nodes.values()) {
            if (n.up && !n.paused && n.raft.role() == Role.LEADER && n.raft.term() > bestTerm) {
                best = n.id;
                bestTerm = n.raft.term();
            }
        }
        return best;
    }

    /** Every node's id. */
    public List<String> nodeIds() {
        return List.copyOf(ids);
    }

    /** Whether a node is running (not crashed). */
    public boolean isUp(String id) {
        return nodes.get(id).up;
    }

    /** A node's role. */
    public Role role(String id) {
        return nodes.get(id).raft.role();
    }

    /** The index of a node's last log entry. */
    public long lastIndex(String id) {
        return nodes.get(id).raft.lastIndex();
    }

    /** The term of a node's last log entry. */
    public long lastTerm(String id) {
        return nodes.get(id).raft.lastTerm();
    }

    /** The commit index a node knows. */
    public long commitIndex(String id) {
        return nodes.get(id).raft.commitIndex();
    }

    /** Whom a node voted for in its current term, or null. */
    public String votedFor(String id) {
        return nodes.get(id).raft.votedFor();
    }

    /** A node's current term. */
    public long term(String id) {
        return nodes.get(id).raft.term();
    }

    /** The options this run was built from. */
    public SimOptions options() {
        return options;
    }

    /** How many clients the run has. */
    public int clientCount() {
        return clients.size();
    }

    /** Operations clients have seen acknowledged so far. */
    public long acknowledged() {
        return clients.stream().mapToLong(c -> c.opsAcknowledged).sum();
    }

    /** Leaders elected so far. */
    public long elections() {
        return elections;
    }

    /** Writes whose persisted messages to other nodes left from the storage completion callback. */
    long sentByCallback() {
        return sentByCallback;
    }

    /** Writes whose persisted messages to other nodes the loop sent, releasing the write before its callback ran. */
    long sentAtRelease() {
        return sentAtRelease;
    }

    /** The current virtual time in microseconds. */
    public long now() {
        return now;
    }

    private String describeNodes() {
        StringBuilder sb = new StringBuilder();
        for (SimNode n : nodes.values()) {
            sb.append(n.raft).append(n.up ? "" : n.retired ? " RETIRED" : " DOWN").append(" applied=")
                    .append(n.lastApplied).append(" config@").append(n.raft.configEntry().index()).append('=')
                    .append(describe(n.raft.clusterConfig())).append("; ");
        }
        return sb.toString();
    }

    private static String describe(ClusterConfig c) {
        return "voters" + c.voters() + (c.isJoint() ? "+outgoing" + c.outgoingVoters() : "")
                + (c.learners().isEmpty() ? "" : "+learners" + c.learners());
    }

    private SafetyViolation violation(String message) {
        return new SafetyViolation(options.seed(), options.steps(), steps, message + "\n  options: " + options);
    }

    private void note(String format, Object... args) {
        String line = args.length == 0 ? format : String.format(format, args);
        notable.add(line);
        if (trace != null) {
            trace.println("           * " + line);
        }
    }

    // --- events --------------------------------------------------------------------------------

    private void at(long time, String node, Runnable action, Supplier<String> describe) {
        events.add(new Event(time, sequence++, node, action, describe));
    }

    private record Event(long time, long seq, String node, Runnable action, Supplier<String> describe)
            implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}

