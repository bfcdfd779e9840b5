package io.raftkit.core;

import io.raftkit.core.quorum.VoteResult;
import io.raftkit.core.tracker.Progress;
import io.raftkit.core.tracker.ProgressTracker;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.LogStorage;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.MessageValidator;
import io.raftkit.spi.message.SnapshotChunk;
import io.raftkit.spi.message.SnapshotResponse;
import io.raftkit.spi.message.TimeoutNow;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Raft node as a pure, deterministic state machine (the shape of etcd's raft).
 *
 * <p>It has no threads, clocks, sockets or files: the host drives it with {@link #tick()},
 * {@link #step(Message)}, {@link #propose(byte[])}, {@link #readIndex(long)} and
 * {@link #persisted(long, long)}, then collects what to do with {@link #ready()} and confirms
 * with {@link #advance(Ready)}. Given the same inputs and the same random generator it always
 * produces the same outputs. Not thread-safe: one owner calls it.
 *
 * <p>The rules are those of the Raft paper and Diego Ongaro's thesis; each method that keeps
 * one names its section.
 */
public final class RaftNode {

    private static final Logger log = LoggerFactory.getLogger(RaftNode.class);

    private final RaftConfig config;
    private final String id;
    private final RandomGenerator random;
    private final RaftLog raftLog;
    private final LogStorage storage;
    private final ProgressTracker tracker;
    /** See {@link #vouchFor}. */
    private java.util.Set<String> vouched = java.util.Set.of();
    /** The configuration entries that may still matter; the last is in force. */
    private final ConfigHistory configs;
    /** The configuration in force, as last handed to the tracker (compared by reference for the soft state). */
    private ConfigEntry configInForce;
    private final ReadIndexTracker reads;
    /** Lease reads (off unless the host enables them) and the ticks since this incarnation started. */
    private LeaderLease lease = new LeaderLease(0);
    private long ticksSinceStart;
    /** With leases on, a node that had joined a term before it started may have granted a lease. */
    private boolean restartGuard;
    private final DroppedMessages dropped = new DroppedMessages();

    private long term;
    private String vote;
    private String leader;
    private Role role = Role.FOLLOWER;

    private int electionElapsed;
    private int heartbeatElapsed;
    private int randomizedElectionTimeout;
    private String leadTransferee;
    /** The leader has appended entries that no follower has been sent yet. */
    private boolean broadcastPending;

    /** The newest complete snapshot the host holds, which a leader sends to followers that need it. */
    private SnapshotInfo snapshot;
    /** Rate limit of snapshot transfers: bytes that may be sent now (refilled by tick). */
    private long snapshotTokens;
    /** Ticks with snapshot transfers: which follower's transfer goes first this tick. */
    private long snapshotRound;
    /** The snapshot this follower is receiving: from whom, in which term, and the next offset it wants. */
    private IncomingSnapshot incoming;
    /** The last chunk arrived: the host must commit the sink and report back, or null. */
    private SnapshotMeta awaitingCommit;
    private List<SnapshotSend> snapshotSends = new ArrayList<>();
    private List<SnapshotChunk> snapshotChunks = new ArrayList<>();

    private record IncomingSnapshot(String leader, long term, SnapshotMeta meta, long size, int crc, long next) {
        IncomingSnapshot advancedBy(int length) {
            return new IncomingSnapshot(leader, term, meta, size, crc, next + length);
        }

        boolean sameTransfer(SnapshotChunk c) {
            return leader.equals(c.from()) && term == c.term() && meta.equals(c.meta()) && size == c.snapshotSize()
                    && crc == c.snapshotCrc32c();
        }
    }

    private List<Message> messages = new ArrayList<>();
    private List<Message> persistedMessages = new ArrayList<>();
    private HardState lastHardState;
    private SoftState lastSoftState;

    /**
     * Restores a node from its storage.
     *
     * @param config       validated settings
     * <p>A node whose storage holds no configuration (an empty log, no snapshot: a node about to
     * join a running cluster) starts as a follower that never campaigns and accepts the log or a
     * snapshot from whichever leader sends it; it learns its configuration from what it receives.
     *
     * @param config       validated settings
     * @param storage      the log: the founding members write the first configuration with
     *                     {@link #bootstrap}; a joining node starts empty
     * @param appliedIndex the last index the state machine has durably applied (0 if none)
     * @param random       the source of randomized election timeouts; seed it for determinism
     * @throws IllegalStateException if the storage contradicts itself
     */
    public RaftNode(RaftConfig config, LogStorage storage, long appliedIndex, RandomGenerator random) {
        this.config = Objects.requireNonNull(config, "config");
        this.id = config.nodeId();
        this.random = Objects.requireNonNull(random, "random");
        this.storage = Objects.requireNonNull(storage, "storage");
        HardState hs = storage.hardState();
        this.raftLog = new RaftLog(storage, hs.commit(), appliedIndex, config.maxUnappliedBytes());
        this.configs = new ConfigHistory(initialConfigs(storage, raftLog, hs.commit()));
        this.configInForce = configs.current();
        this.tracker = new ProgressTracker(id, configInForce.config(), config.maxInflightMsgs(),
                config.maxInflightBytes());
        raftLog.onAppend(this::appended);
        this.reads = new ReadIndexTracker();
        this.term = hs.term();
        this.vote = hs.votedFor();
        becomeFollower(term, null);
        this.lastHardState = hardState();
        this.lastSoftState = softState();
    }

    /**
     * The storage keeps the latest configuration as metadata, so starting reads no log, unless
     * that configuration is not known committed: a leader may truncate it away, and then the one
     * before it (committed, since only one change is ever in flight) is back in force.
     */
    private static java.util.Map<Long, ClusterConfig> initialConfigs(LogStorage storage, RaftLog raftLog,
                                                                      long commit) {
        java.util.Map<Long, ClusterConfig> initial = new java.util.HashMap<>();
        ConfigEntry latest = storage.latestConfig();
        if (latest.index() == 0 && latest.config().members().isEmpty()) {
            return initial; // a node about to join: it learns its configuration from a leader
        }
        initial.put(latest.index(), latest.config());
        if (latest.index() > commit) {
            for (long i = latest.index() - 1; i >= raftLog.firstIndex(); i--) {
                Entry e = raftLog.entry(i);
                if (e.type() == EntryType.CONFIG) {
                    initial.put(i, ClusterConfig.decode(e.data()));
                    return initial;
                }
            }
            SnapshotMeta snap = storage.snapshotMeta();
            if (snap.index() > 0 && snap.index() < latest.index()) {
                initial.put(snap.index(), snap.config());
            }
        }
        return initial;
    }

    /**
     * Writes the initial configuration as entry 1 of an empty log, identically on every founding
     * member, and waits until it is durable. Does nothing if the log is not empty.
     */
    public static void bootstrap(LogStorage storage, ClusterConfig initial) {
        if (initial.allVoters().isEmpty()) {
            throw new IllegalArgumentException("the initial configuration has no voters");
        }
        if (storage.lastIndex() == 0 && storage.snapshotMeta().index() == 0) {
            storage.append(null, List.of(Entry.config(1, 0, initial))).join();
        }
    }

    // --- observers ------------------------------------------------------------------------

    /** This node's id. */
    public String nodeId() {
        return id;
    }

    public long term() {
        return term;
    }

    public Role role() {
        return role;
    }

    /** The leader known for the current term, or null. */
    public String leaderId() {
        return leader;
    }

    public String votedFor() {
        return vote;
    }

    public long commitIndex() {
        return raftLog.committed();
    }

    public long lastIndex() {
        return raftLog.lastIndex();
    }

    public long lastTerm() {
        return raftLog.lastTerm();
    }

    /** Term of the entry at {@code index}, or -1 if unknown. */
    public long termAt(long index) {
        return raftLog.term(index);
    }

    /** Entry at {@code index}; it must be in the log. */
    public Entry entryAt(long index) {
        return raftLog.entry(index);
    }

    /** The configuration in force: that of the last configuration entry appended (committed or not). */
    public ClusterConfig clusterConfig() {
        return configInForce.config();
    }

    /** The configuration in force and the index of the entry (or snapshot) it comes from. */
    public ConfigEntry configEntry() {
        return configInForce;
    }

    /**
     * Whether a membership change is under way: the configuration in force is not known committed,
     * or it is joint (the leader has yet to append the final one).
     */
    public boolean configChangePending() {
        return configInForce.index() > raftLog.committed() || configInForce.config().isJoint();
    }

    /** A copy of the leader's view of a follower (null if not leader or unknown), for tests and metrics. */
    public FollowerProgress progress(String follower) {
        Progress pr = role == Role.LEADER ? tracker.get(follower) : null;
        if (pr == null) {
            return null;
        }
        SnapshotInfo sending = pr.snapshot();
        return new FollowerProgress(follower, pr.match(), pr.next(),
                FollowerProgress.State.valueOf(pr.state().name()), pr.isPaused(),
                sending == null ? 0 : pr.snapshotAckedOffset(), sending == null ? 0 : sending.sizeBytes());
    }

    public HardState hardState() {
        return new HardState(term, vote, raftLog.committed());
    }

    public SoftState softState() {
        return new SoftState(role, leader, term, configInForce);
    }

    // --- inputs ---------------------------------------------------------------------------

    /** Advances logical time by one tick. */
    public void tick() {
        lease.tick();
        ticksSinceStart++;
        if (role == Role.LEADER) {
            tickLeader();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        electionElapsed++;
        if (electionElapsed >= randomizedElectionTimeout && promotable()) {
            electionElapsed = 0;
            if (config.preVote()) {
                campaign(CampaignType.PRE_VOTE);
            } else {
                campaign(CampaignType.ELECTION);
            }
        }
    }

    private void tickLeader() {
        heartbeatElapsed++;
        electionElapsed++;
        tickSnapshotTransfers();
        if (electionElapsed >= config.electionTicks()) {
            electionElapsed = 0;
            if (config.checkQuorum()) {
                // thesis §6.2: a leader that has not heard from a quorum for an election timeout
                // may be partitioned away; stepping down lets clients find the real leader
                tracker.get(id).setRecentActive(true);
                if (!tracker.quorumActive()) {
                    log.info("{} steps down in term {}: no quorum heard from in an election timeout", id, term);
                    becomeFollower(term, null);
                    return;
                }
                for (var e : tracker.all().entrySet()) {
                    e.getValue().setRecentActive(e.getKey().equals(id));
                }
            }
            if (leadTransferee != null) {
                log.info("{} aborts leadership transfer to {}: it did not take over in time", id, leadTransferee);
                leadTransferee = null;
            }
        }
        if (heartbeatElapsed >= config.heartbeatTicks()) {
            heartbeatElapsed = 0;
            if (lease.enabled()) {
                long round = reads.heartbeatRound();
                lease.sent(round);
                broadcastHeartbeat(round);
            } else {
                broadcastHeartbeat(reads.latestSequence());
            }
        }
    }

    /**
     * Proposes a command. Only a leader accepts proposals.
     *
     * @return the index the command will have if it commits
     * @throws NotLeaderException if this node is not the leader or is handing over leadership
     */
    public long propose(byte[] command) {
        checkCanPropose();
        long index = raftLog.lastIndex() + 1;
        appendAsLeader(List.of(Entry.command(index, term, command)));
        return index;
    }

    /**
     * Proposes several commands at once; they get consecutive indexes.
     *
     * @return the index of the first command
     * @throws NotLeaderException if this node is not the leader or is handing over leadership
     */
    public long proposeBatch(List<byte[]> commands) {
        checkCanPropose();
        long first = raftLog.lastIndex() + 1;
        List<Entry> entries = new ArrayList<>(commands.size());
        long index = first;
        for (byte[] c : commands) {
            entries.add(Entry.command(index++, term, c));
        }
        appendAsLeader(entries);
        return first;
    }

    /**
     * Proposes a membership change towards {@code target} (Raft thesis §4.3, joint consensus). If
     * only learners or addresses change, one configuration entry does it; if the voters change, a
     * joint configuration (the new voters, with the old ones outgoing) is appended, and once it
     * commits the leader appends the final configuration by itself. Each configuration takes
     * effect when appended. Addresses not named in {@code target} are kept for members that stay.
     * A voter cannot become a learner in one change: remove it, then add it as a learner.
     *
     * @return the index of the entry appended
     * @throws NotLeaderException       if this node is not the leader or is handing over leadership
     * @throws IllegalStateException    if a change is already in flight, or this leader has not yet
     *                                  committed an entry of its term
     * @throws IllegalArgumentException if the target equals the configuration in force or demotes a voter
     */
    public long proposeConfigChange(ConfigChange target) {
        checkCanPropose();
        if (!committedEntryInCurrentTerm()) {
            // a leader that has not committed an entry of its term may not know the last committed
            // configuration, and two changes decided on different bases may have disjoint quorums
            throw new IllegalStateException("the leader has not yet committed an entry of its term " + term
                    + ": retry once it has");
        }
        if (configChangePending()) {
            throw new IllegalStateException("a membership change is already in flight (configuration at index "
                    + configInForce.index() + (configInForce.config().isJoint() ? " is joint" : " is not committed")
                    + ")");
        }
        ClusterConfig current = configInForce.config();
        for (String v : current.voters()) {
            if (target.learners().contains(v)) {
                throw new IllegalArgumentException("voter " + v + " cannot become a learner in one change: remove it,"
                        + " then add it as a learner");
            }
        }
        ClusterConfig next = MembershipChanges.next(current, target);
        if (next.equals(current)) {
            throw new IllegalArgumentException("the target equals the configuration in force: " + current);
        }
        long index = raftLog.lastIndex() + 1;
        log.info("{} proposes configuration {} at index {}", id, next, index);
        appendAsLeader(List.of(Entry.config(index, term, next)));
        return index;
    }

    private void checkCanPropose() {
        if (role != Role.LEADER) {
            throw new NotLeaderException(leader);
        }
        if (leadTransferee != null) {
            throw new NotLeaderException(null, "leadership is being transferred to " + leadTransferee);
        }
    }

    private void appendAsLeader(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        raftLog.append(entries);
        // the leader's own acknowledgement waits for persisted(): the appends may leave first
        broadcastPending = true;
    }

    /**
     * Asks for a linearizable read (thesis §6.4). When the leader has confirmed with a quorum of
     * heartbeats that it still leads, a {@link ReadState} for {@code requestId} appears in a Ready.
     * Requests that arrive together share one round of heartbeats.
     *
     * @throws NotLeaderException if this node is not the leader
     */
    public void readIndex(long requestId) {
        if (role != Role.LEADER) {
            throw new NotLeaderException(leader);
        }
        if (!committedEntryInCurrentTerm()) {
            // the commit index of a new leader may lag what its predecessor committed; it is
            // known to be current only once an entry of this term commits (thesis §6.4 step 1)
            reads.deferUntilCommit(requestId);
            return;
        }
        reads.add(requestId, raftLog.committed());
        if (alone()) {
            reads.confirmAll();
        }
    }

    /**
     * Turns leader leases on (off by default): {@link #leaseReadIndex()} then answers without a
     * round while a quorum answered a heartbeat round sent less than {@code leaseTicks} ticks ago,
     * and this node, after it starts, ignores vote requests for an election timeout (it may have
     * granted a lease before it went down). Call before the first {@link #tick()}, with the same
     * setting on every node. Safe only if no node's clock runs faster than another's by more than
     * {@code electionTicks - leaseTicks} ticks over an election timeout (bounded clock drift).
     *
     * @param leaseTicks less than the election timeout; 0 = off
     */
    public void enableLeaseReads(int leaseTicks) {
        if (leaseTicks >= config.electionTicks()) {
            throw new IllegalArgumentException("leaseTicks (" + leaseTicks + ") must be less than electionTicks ("
                    + config.electionTicks() + ")");
        }
        this.lease = new LeaderLease(leaseTicks);
        this.restartGuard = leaseTicks > 0 && term > 0; // a brand-new node never answered a leader
    }

    /**
     * A read index that needs no quorum round: the commit index, if this node leads, its lease
     * holds (see {@link #enableLeaseReads}), it has committed an entry of its term and it is not
     * transferring leadership; otherwise -1 (use {@link #readIndex(long)}).
     */
    public long leaseReadIndex() {
        if (role != Role.LEADER || leadTransferee != null || !committedEntryInCurrentTerm()) {
            return -1;
        }
        return alone() || lease.holds() ? raftLog.committed() : -1;
    }

    /** Whether this node is the only voter: it is its own quorum. */
    private boolean alone() {
        ClusterConfig c = tracker.config();
        return c.outgoingVoters().isEmpty() && c.voters().size() == 1 && c.voters().contains(id);
    }

    /** Whether this node leads and accepts proposals (it is not handing leadership over). */
    public boolean canPropose() {
        return role == Role.LEADER && leadTransferee == null;
    }

    /**
     * The host reports that entries up to {@code index}, of which the last has {@code term}, are
     * durable (and so is every earlier write).
     */
    public void persisted(long index, long term) {
        raftLog.stableTo(index, term);
        if (role == Role.LEADER && index <= raftLog.lastIndex() && raftLog.term(index) == term) {
            // thesis §10.2.1: the leader counts itself towards a quorum only for durable entries
            tracker.get(id).maybeUpdate(index);
            if (maybeCommit()) {
                broadcastAppend(true);
            }
        }
    }

    /** Asks the leader to hand leadership to {@code transferee} (thesis §3.10). */
    public void transferLeadership(String transferee) {
        if (role != Role.LEADER) {
            throw new NotLeaderException(leader);
        }
        if (transferee.equals(id)) {
            return;
        }
        if (!tracker.config().voters().contains(transferee)) {
            throw new IllegalArgumentException(transferee + (tracker.config().isVoter(transferee)
                    ? " is being removed from the cluster" : " is not a voter") + ": it cannot take leadership");
        }
        leadTransferee = transferee;
        lease.forfeit(); // the transferee campaigns at once, ignoring the followers' lease
        electionElapsed = 0;
        Progress pr = tracker.get(transferee);
        if (pr.match() == raftLog.lastIndex()) {
            send(new TimeoutNow(id, transferee, term));
        } else {
            sendAppend(transferee, true);
        }
    }

    /** The inbound messages {@link #step} dropped as invalid. */
    public DroppedMessages droppedMessages() {
        return dropped;
    }

    /**
     * Handles a message from another node (or, for persisted self-votes, from this node).
     *
     * <p>Peer input can never make this throw: a message that is malformed
     * ({@link MessageValidator}), not addressed to this node, not from a member, or that no
     * correct peer could send given this node's log, is dropped and counted in
     * {@link #droppedMessages()}, before it changes anything.
     */
    public void step(Message m) {
        InvalidReason invalid = MessageValidator.check(m, id, acceptedSenders(m));
        if (invalid == null && m.kind().isRouting()) {
            invalid = InvalidReason.NOT_A_RAFT_MESSAGE; // the runtime's business (RequestRouter)
        }
        if (invalid == null) {
            invalid = contradictsLog(m);
        }
        if (invalid != null) {
            drop(m, invalid);
            return;
        }
        if (!handleTerm(m)) {
            return;
        }
        if (m instanceof VoteRequest v) {
            handleVoteRequest(v);
            return;
        }
        switch (role) {
            case LEADER -> stepLeader(m);
            case CANDIDATE, PRE_CANDIDATE -> stepCandidate(m);
            case FOLLOWER -> stepFollower(m);
        }
        configs.committedTo(raftLog.committed());
    }

    /**
     * Who may send to this node: a voter hears from every member of a configuration it still
     * remembers (a leaving leader keeps sending until the configuration without it is known
     * committed). A node that is not a voter (about to join, a learner, removed) cannot harm a
     * quorum and may not know the current leader yet, so it hears from anyone.
     *
     * <p>A voter also takes a leader's messages (appends, heartbeats, snapshot chunks) from a node
     * the host vouches for ({@link #vouchFor}) although no configuration it remembers names it: a
     * voter that missed configuration changes while it was down or cut off cannot know a leader
     * added since, and only that leader's log can tell it (soak seeds 2486, 4118). Only one node
     * leads a term (§5.2), known to us or not, and the term and log rules apply as to any leader.
     * Votes from such a node stay dropped: they are what a removed node that never learned it
     * would disrupt the cluster with (etcd-raft issue 83).
     */
    private java.util.Set<String> acceptedSenders(Message m) {
        boolean hasSender = m.from() != null && !m.from().isEmpty();
        if (hasSender && (!promotable() || (isLeaderMessage(m) && vouched.contains(m.from())))) {
            return java.util.Set.of(m.from());
        }
        return configs.knownMembers();
    }

    private static boolean isLeaderMessage(Message m) {
        return m instanceof AppendRequest || m instanceof Heartbeat || m instanceof SnapshotChunk;
    }

    /**
     * The nodes the host has authenticated as nodes of this cluster (its transport's members:
     * the ones it was started with and those learned from configuration entries), whatever
     * configuration this node's log is at. A voter takes a leader's messages from them even when
     * its own configurations do not name them yet; nothing else changes. None by default: then
     * only the configurations in the log say who may send.
     */
    public void vouchFor(java.util.Set<String> nodes) {
        vouched = java.util.Set.copyOf(nodes);
    }

    private void drop(Message m, InvalidReason reason) {
        dropped.record(m.kind(), reason);
        if (dropped.count(reason) == 1) {
            log.warn("{} drops an invalid message ({}; further ones are logged at debug level): {}", id,
                    reason.tag(), m);
        } else {
            log.debug("{} drops an invalid message ({}): {}", id, reason.tag(), m);
        }
    }

    /**
     * The checks of a message against this node's log: well formed, but no correct peer of a
     * term at least ours could send it. Stale messages are left to the term rules, which answer
     * them so that a deposed leader learns the newer term.
     */
    private InvalidReason contradictsLog(Message m) {
        if (m.term() < term) {
            return null;
        }
        if (m instanceof AppendRequest a && contradictsCommitted(a)) {
            // Leader Completeness (§5.4): a leader of this term or a later one holds every entry
            // we know is committed, so it can never ask us to replace one
            return InvalidReason.CONFLICTS_WITH_COMMITTED;
        }
        if (m instanceof Heartbeat h && h.commit() > raftLog.lastIndex()) {
            // the leader caps a heartbeat's commit at what we acknowledged to it in its term
            return InvalidReason.COMMIT_BEYOND_LOG;
        }
        if (role == Role.LEADER && m.term() == term) {
            if (m instanceof AppendResponse r && r.index() > raftLog.lastIndex()) {
                // an answer to one of our appends names an index we sent: our log only grows
                return InvalidReason.INDEX_BEYOND_LOG;
            }
            if (m instanceof HeartbeatResponse r && r.readContext() > reads.latestSequence()) {
                return InvalidReason.UNKNOWN_READ_CONTEXT;
            }
        }
        return null;
    }

    private boolean contradictsCommitted(AppendRequest a) {
        long commit = raftLog.committed();
        if (a.prevLogIndex() > commit) {
            return false;
        }
        long prevTerm = raftLog.term(a.prevLogIndex());
        if (prevTerm >= 0 && prevTerm != a.prevLogTerm()) {
            return true;
        }
        for (Entry e : a.entries()) {
            if (e.index() > commit) {
                break;
            }
            long t = raftLog.term(e.index());
            if (t >= 0 && t != e.term()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The term rules common to every role (Raft §5.1): adopt a newer term, answer an older one.
     *
     * @return whether the message should be processed further
     */
    private boolean handleTerm(Message m) {
        if (m.term() > term) {
            if (m instanceof VoteRequest v) {
                // with leader leases on, a node that just (re)started may have answered the leader
                // before it went down: it keeps the lease it may have granted
                boolean inLease = (leader != null || (restartGuard && ticksSinceStart < config.electionTicks()))
                        && electionElapsed < config.electionTicks();
                if (inLease && !v.transfer()) {
                    // thesis §4.2.3: a node that heard from a leader within the minimum election
                    // timeout ignores vote requests, so a removed or partitioned node cannot
                    // disrupt a healthy cluster. It is its own rule, with or without CheckQuorum
                    // (etcd ties it to CheckQuorum): without it, a node being removed that never
                    // learned it deposed the leader with every request (soak seeds 12835, 15932).
                    // A member that really lost the leader still gets through: its answer to the
                    // leader's next append carries its higher term
                    return false;
                }
                if (v.preVote()) {
                    return true; // a pre-vote changes no state
                }
                followTermOfVoteRequest(m.term());
                return true;
            }
            if (m instanceof VoteResponse r && r.preVote() && r.granted()) {
                return true; // a granted pre-vote carries the term we would campaign in
            }
            boolean fromLeader = m instanceof AppendRequest || m instanceof Heartbeat || m instanceof SnapshotChunk;
            becomeFollower(m.term(), fromLeader ? m.from() : null);
            return true;
        }
        if (m.term() < term) {
            if (m instanceof AppendRequest || m instanceof Heartbeat || m instanceof SnapshotChunk) {
                // a stale leader learns our term and steps down; without this, with CheckQuorum
                // or PreVote it could stay leader of a minority forever
                send(new AppendResponse(id, m.from(), term, false, 0, 0, 0));
            } else if (m instanceof VoteRequest v && v.preVote()) {
                send(new VoteResponse(id, m.from(), term, true, false));
            }
            return false;
        }
        return true;
    }

    /**
     * Adopts the newer term of a vote request without restarting the election timer (Raft Figure
     * 2: a follower's timer restarts on an append from the current leader or on granting its vote,
     * and {@link #handleVoteRequest} restarts it if the vote is granted). A candidate whose log is
     * behind (a removed node that never learned it, a lagging voter) and that keeps asking with
     * higher terms would otherwise keep every voter with a longer log from ever campaigning, and
     * no one it denies could win: no leader at all (soak seeds 1283, 1743, 12882, 13447, 15584,
     * 17769). A leader that steps down starts a fresh timer: it had none as a follower.
     */
    private void followTermOfVoteRequest(long newTerm) {
        boolean wasLeader = role == Role.LEADER;
        int elapsed = electionElapsed;
        int timeout = randomizedElectionTimeout;
        becomeFollower(newTerm, null);
        if (!wasLeader) {
            electionElapsed = elapsed;
            randomizedElectionTimeout = timeout;
        }
    }

    private void handleVoteRequest(VoteRequest m) {
        // Raft §5.2 and §5.4.1: one vote per term, only for a log at least as up to date as ours
        boolean canVote = m.from().equals(vote)
                || (vote == null && leader == null)
                || (m.preVote() && m.term() > term);
        boolean granted = canVote && isMemberInForce(m.from())
                && raftLog.isUpToDate(m.lastLogIndex(), m.lastLogTerm());
        if (m.preVote()) {
            send(new VoteResponse(id, m.from(), granted ? m.term() : term, true, granted));
            return;
        }
        if (granted) {
            electionElapsed = 0;
            vote = m.from();
        }
        // a granted vote is a promise: it leaves only once the vote is durable
        sendAfterPersist(new VoteResponse(id, m.from(), term, false, granted));
    }

    /**
     * Whether a candidate is a member (voter or learner) of the configuration in force here. A
     * node that has appended the configuration removing the candidate refuses it: once that
     * configuration commits, a majority of its voters hold it, so a removed node (which may still
     * campaign, not knowing its removal committed) can never gather a quorum again. A leaving
     * leader that holds the only copy of the new configuration is still a voter of the joint one
     * the others have, so it can still win and commit it. A learner here may have been promoted
     * since (this node is behind), so it is granted; so is anyone by a node that knows no
     * configuration yet (joining): its vote counts nowhere.
     */
    private boolean isMemberInForce(String candidate) {
        ConfigEntry inForce = configs.current();
        if (inForce == ConfigEntry.NONE || inForce.config().members().contains(candidate)) {
            return true;
        }
        log.debug("{} refuses its vote to {}: not a member of the configuration in force {}", id, candidate,
                inForce.config());
        return false;
    }

    private void stepFollower(Message m) {
        switch (m.kind()) {
            case APPEND_REQUEST -> {
                electionElapsed = 0;
                leader = m.from();
                handleAppend((AppendRequest) m);
            }
            case HEARTBEAT -> {
                electionElapsed = 0;
                leader = m.from();
                handleHeartbeat((Heartbeat) m);
            }
            case SNAPSHOT_CHUNK -> {
                electionElapsed = 0;
                leader = m.from();
                handleSnapshotChunk((SnapshotChunk) m);
            }
            case TIMEOUT_NOW -> {
                if (promotable()) {
                    log.info("{} starts an election at {}'s request (leadership transfer)", id, m.from());
                    campaign(CampaignType.TRANSFER);
                }
            }
            case VOTE_REQUEST, VOTE_RESPONSE, APPEND_RESPONSE, HEARTBEAT_RESPONSE, SNAPSHOT_RESPONSE -> {
                // nothing for a follower to do
            }
        }
    }

    private void stepCandidate(Message m) {
        switch (m.kind()) {
            case APPEND_REQUEST -> {
                becomeFollower(m.term(), m.from());
                handleAppend((AppendRequest) m);
            }
            case HEARTBEAT -> {
                becomeFollower(m.term(), m.from());
                handleHeartbeat((Heartbeat) m);
            }
            case SNAPSHOT_CHUNK -> {
                becomeFollower(m.term(), m.from());
                handleSnapshotChunk((SnapshotChunk) m);
            }
            case VOTE_RESPONSE -> handleVoteResponse((VoteResponse) m);
            case VOTE_REQUEST, APPEND_RESPONSE, HEARTBEAT_RESPONSE, SNAPSHOT_RESPONSE, TIMEOUT_NOW -> {
                // not for a candidate
            }
        }
    }

    private void handleVoteResponse(VoteResponse m) {
        boolean expectPreVote = role == Role.PRE_CANDIDATE;
        if (m.preVote() != expectPreVote) {
            return; // from an earlier round
        }
        tracker.recordVote(m.from(), m.granted());
        VoteResult result = tracker.tallyVotes();
        if (result == VoteResult.WON) {
            if (role == Role.PRE_CANDIDATE) {
                campaign(CampaignType.ELECTION);
            } else {
                becomeLeader();
            }
        } else if (result == VoteResult.LOST) {
            becomeFollower(term, null);
        }
    }

    private void stepLeader(Message m) {
        switch (m.kind()) {
            case APPEND_RESPONSE -> handleAppendResponse((AppendResponse) m);
            case HEARTBEAT_RESPONSE -> handleHeartbeatResponse((HeartbeatResponse) m);
            case SNAPSHOT_RESPONSE -> handleSnapshotResponse((SnapshotResponse) m);
            case VOTE_REQUEST, VOTE_RESPONSE, APPEND_REQUEST, HEARTBEAT, SNAPSHOT_CHUNK, TIMEOUT_NOW -> {
                // a leader of this term ignores these (another leader of the same term cannot exist)
            }
        }
    }

    // --- follower side of replication ---------------------------------------------------------

    private void handleAppend(AppendRequest m) {
        if (m.prevLogIndex() < raftLog.committed()) {
            // everything up to our commit index matches any leader of this term (§5.4)
            sendAfterPersist(new AppendResponse(id, m.from(), term, true, raftLog.committed(), 0, 0));
            return;
        }
        long lastNew = raftLog.maybeAppend(m.prevLogIndex(), m.prevLogTerm(), m.leaderCommit(), m.entries());
        if (lastNew >= 0) {
            // acknowledging entries promises they are durable: send only after they are
            sendAfterPersist(new AppendResponse(id, m.from(), term, true, lastNew, 0, 0));
            return;
        }
        // Raft §5.3 with a term-based hint: tell the leader the last index at or below the
        // rejected one whose term could still match, so it skips a whole term per round trip
        long hintIndex = raftLog.findConflictByTerm(Math.min(m.prevLogIndex(), raftLog.lastIndex()), m.prevLogTerm());
        long hintTerm = Math.max(0, raftLog.term(hintIndex));
        send(new AppendResponse(id, m.from(), term, false, m.prevLogIndex(), hintIndex, hintTerm));
    }

    private void handleHeartbeat(Heartbeat m) {
        // the leader caps the commit it sends at our match index, so it is in our log
        raftLog.commitTo(Math.min(m.commit(), raftLog.lastIndex()));
        send(new HeartbeatResponse(id, m.from(), term, m.readContext()));
    }

    /**
     * InstallSnapshot on the follower (Raft §7), chunk by chunk. A chunk is taken only if it
     * continues the transfer in progress exactly where it stands (same leader, term, snapshot and
     * the expected offset); the answer names the offset wanted next, so the leader resumes there,
     * and a node that knows no transfer (it restarted, or the leader or snapshot changed) wants 0.
     * The bytes go to the host (never kept here); after the last one the host commits its sink
     * and reports with {@link #snapshotReceived} or {@link #snapshotReceiveFailed}.
     */
    private void handleSnapshotChunk(SnapshotChunk m) {
        SnapshotMeta meta = m.meta();
        if (meta.index() <= raftLog.committed()) {
            // we already hold (durably, once the answer leaves) everything it covers, and we never
            // go back behind our commit index
            incoming = null;
            sendAfterPersist(new SnapshotResponse(id, m.from(), term, meta.index(), m.snapshotSize(), true, false));
            return;
        }
        if (awaitingCommit != null) {
            return; // the host commits within this turn and reports; a resend will find us then
        }
        if (incoming == null || !incoming.sameTransfer(m)) {
            if (m.offset() != 0) {
                incoming = null;
                send(new SnapshotResponse(id, m.from(), term, meta.index(), 0, false, false));
                return;
            }
            incoming = new IncomingSnapshot(m.from(), m.term(), meta, m.snapshotSize(), m.snapshotCrc32c(), 0);
        }
        if (m.offset() != incoming.next()) {
            send(new SnapshotResponse(id, m.from(), term, meta.index(), incoming.next(), false, false));
            return;
        }
        incoming = incoming.advancedBy(m.data().length);
        snapshotChunks.add(m);
        if (m.last()) {
            awaitingCommit = meta;
        } else {
            send(new SnapshotResponse(id, m.from(), term, meta.index(), incoming.next(), false, false));
        }
    }

    /**
     * The host committed the snapshot received from the leader to its snapshot store (its checksum
     * matched). The log switches to it: if the log already holds its last entry (same index and
     * term) only the commit index moves; otherwise every entry goes, the log continues after the
     * snapshot, and the next Ready carries it ({@link Ready#snapshot()}) so the host compacts its
     * storage to it and restores the state machine before applying anything after it. The leader
     * hears "done" once that is durable.
     */
    public void snapshotReceived(SnapshotMeta meta) {
        IncomingSnapshot in = incoming;
        awaitingCommit = null;
        incoming = null;
        if (in == null || !in.meta().equals(meta)) {
            return;
        }
        if (meta.index() > raftLog.committed()) {
            if (raftLog.matchTerm(meta.index(), meta.term())) {
                raftLog.commitTo(meta.index());
            } else {
                log.info("{} installs the snapshot at index {} (term {}) from {}", id, meta.index(), meta.term(),
                        in.leader());
                raftLog.restore(meta);
                configs.reset(meta.index(), meta.config());
                configChanged();
            }
        }
        if (in.term() == term) {
            sendAfterPersist(new SnapshotResponse(id, in.leader(), term, meta.index(), in.size(), true, false));
        }
    }

    /**
     * The host could not write or commit the snapshot being received (a full disk, a checksum that
     * did not match): the transfer starts again from offset 0 with the next chunk.
     */
    public void snapshotReceiveFailed(SnapshotMeta meta) {
        IncomingSnapshot in = incoming;
        awaitingCommit = null;
        incoming = null;
        if (in != null && in.term() == term && in.meta().equals(meta)) {
            send(new SnapshotResponse(id, in.leader(), term, meta.index(), 0, false, false));
        }
    }

    /** The host's storage now holds the snapshot of a {@link Ready#snapshot()} durably. */
    public void persistedSnapshot(SnapshotMeta meta) {
        raftLog.stableSnapTo(meta.index());
    }

    /**
     * The host holds a complete snapshot (it took one, or one was installed): a leader sends it to
     * followers whose next entry was compacted away. Only a newer one replaces the one known.
     */
    public void snapshotAvailable(SnapshotInfo info) {
        if (snapshot == null || info.index() > snapshot.index()) {
            snapshot = info;
        }
    }

    /** The newest snapshot the host reported with {@link #snapshotAvailable}, or null. */
    public SnapshotInfo snapshot() {
        return snapshot;
    }

    /** The first index in the log; earlier entries are compacted into a snapshot. */
    public long firstIndex() {
        return raftLog.firstIndex();
    }

    /**
     * The metadata a snapshot or compaction at {@code index} records: that entry's term and the
     * configuration in force at it (the last configuration entry at or before it, not the latest).
     *
     * @param index an index in the log, or the one just before it
     */
    public SnapshotMeta snapshotMetaAt(long index) {
        long t = raftLog.term(index);
        if (t < 0) {
            throw new IllegalArgumentException("index " + index + " is not in the log [" + raftLog.firstIndex() + ", "
                    + raftLog.lastIndex() + "]");
        }
        return new SnapshotMeta(index, t, configAt(index));
    }

    private ClusterConfig configAt(long index) {
        ConfigEntry latest = storage.latestConfig();
        if (latest.index() <= index && latest.index() > 0) {
            return latest.config();
        }
        for (long i = index; i >= raftLog.firstIndex(); i--) {
            Entry e = raftLog.entry(i);
            if (e.type() == EntryType.CONFIG) {
                return ClusterConfig.decode(e.data());
            }
        }
        // no configuration entry between the compaction point and index: the one in force at the
        // compaction point still is (not the latest one, which may come after index)
        SnapshotMeta compacted = storage.snapshotMeta();
        if (compacted.index() > 0 && compacted.index() <= index && compacted.index() == raftLog.firstIndex() - 1) {
            return compacted.config();
        }
        return configInForce.config();
    }

    // --- leader side of replication -------------------------------------------------------------

    private void handleAppendResponse(AppendResponse m) {
        Progress pr = tracker.get(m.from());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        if (!m.success()) {
            long nextProbe = m.hintIndex();
            if (m.hintTerm() > 0) {
                // skip our entries of any term newer than the follower's entry at the hint
                nextProbe = raftLog.findConflictByTerm(m.hintIndex(), m.hintTerm());
            }
            if (pr.maybeDecrTo(m.index(), nextProbe)) {
                if (pr.state() == Progress.State.REPLICATE) {
                    pr.becomeProbe();
                }
                sendAppend(m.from(), true);
            }
            return;
        }
        boolean wasPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.index())) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match() >= pr.pendingSnapshot()) {
                    pr.becomeProbe();
                }
            }
            case REPLICATE -> pr.inflights().freeLE(m.index());
        }
        if (maybeCommit()) {
            broadcastAppend(true);
        } else if (role != Role.LEADER) {
            return; // it left the cluster with that commit
        } else if (wasPaused) {
            sendAppend(m.from(), true);
        }
        while (sendAppend(m.from(), false)) {
            // stream as much as the window allows
        }
        if (m.from().equals(leadTransferee) && pr.match() == raftLog.lastIndex()) {
            send(new TimeoutNow(id, m.from(), term));
        }
    }

    private void handleHeartbeatResponse(HeartbeatResponse m) {
        Progress pr = tracker.get(m.from());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        pr.heartbeatAcknowledged();
        if (pr.state() == Progress.State.REPLICATE && pr.inflights().full()) {
            // the appends in the window may all be lost (the follower restarted): free one slot
            // so the next append reaches it, is rejected for the gap, and we fall back to probing
            pr.inflights().freeFirst();
        }
        if (pr.match() < raftLog.lastIndex()) {
            // an empty append makes a follower that lost appends reject, so we back up and resend
            sendAppend(m.from(), true);
        }
        if (m.readContext() > 0) {
            reads.acknowledge(m.from(), m.readContext(), tracker::isQuorum, id);
            if (lease.enabled()) {
                lease.acknowledged(seq -> reads.quorumAcknowledged(seq, tracker::isQuorum, id));
            }
        }
    }

    private void handleSnapshotResponse(SnapshotResponse m) {
        Progress pr = tracker.get(m.from());
        if (pr == null) {
            return;
        }
        pr.setRecentActive(true);
        if (m.done()) {
            // the follower holds everything up to the snapshot durably: continue from the log after it
            if (m.snapshotIndex() <= raftLog.lastIndex()) {
                pr.maybeUpdate(m.snapshotIndex());
            }
            if (pr.state() == Progress.State.SNAPSHOT && pr.match() >= pr.pendingSnapshot()) {
                pr.becomeProbe();
                sendAppend(m.from(), true);
            }
            return;
        }
        if (pr.state() != Progress.State.SNAPSHOT || m.snapshotIndex() != pr.pendingSnapshot()) {
            return; // about another transfer
        }
        if (m.rejected()) {
            pr.becomeProbe();
            sendAppend(m.from(), true);
            return;
        }
        pr.snapshotAcked(m.nextOffset(), config.snapshotChunkBytes());
        sendSnapshotChunks(m.from(), pr);
    }

    /** Refills the rate limit, retries transfers that went quiet, sends what the window allows. */
    private void tickSnapshotTransfers() {
        long perTick = config.snapshotBytesPerTick();
        if (perTick > 0) {
            snapshotTokens = Math.min(snapshotTokens + perTick, Math.max(perTick, config.snapshotChunkBytes()));
        }
        // the rate limit is shared: start with another follower each tick, so one transfer cannot
        // starve another (a starved one would restart with every newer snapshot and never finish)
        List<java.util.Map.Entry<String, Progress>> all = new ArrayList<>(tracker.all().entrySet());
        if (!all.isEmpty()) {
            java.util.Collections.rotate(all, -(int) (snapshotRound++ % all.size()));
        }
        for (var e : all) {
            Progress pr = e.getValue();
            if (pr.state() != Progress.State.SNAPSHOT) {
                continue;
            }
            if (pr.snapshotTick(config.electionTicks())) {
                // chunks (or the answer to the last one) were lost; a newer snapshot, if any, replaces this one
                if (snapshot != null && snapshot.index() > pr.snapshot().index()) {
                    pr.becomeSnapshot(snapshot);
                }
            }
            sendSnapshotChunks(e.getKey(), pr);
        }
    }

    /** Sends chunks of the snapshot to {@code to} while its window and the rate limit allow. */
    private void sendSnapshotChunks(String to, Progress pr) {
        boolean limited = config.snapshotBytesPerTick() > 0;
        while (pr.canSendChunk(config.snapshotChunksInFlight())) {
            SnapshotInfo snap = pr.snapshot();
            long offset = pr.snapshotSentOffset();
            int length = (int) Math.min(config.snapshotChunkBytes(), snap.sizeBytes() - offset);
            if (limited) {
                if (snapshotTokens < length) {
                    return;
                }
                snapshotTokens -= length;
            }
            snapshotSends.add(new SnapshotSend(to, term, snap, offset, length));
            pr.sentChunk(length);
        }
    }

    /**
     * Raft §5.4.2 (Figure 8): the leader advances the commit index only by counting replicas of
     * an entry of its own term; earlier entries then commit with it.
     */
    private boolean maybeCommit() {
        long candidate = tracker.committedIndex();
        if (candidate > raftLog.committed() && raftLog.term(candidate) == term) {
            boolean first = !committedEntryInCurrentTerm();
            raftLog.commitTo(candidate);
            configs.committedTo(candidate);
            if (first) {
                for (long requestId : reads.releaseDeferred()) {
                    readIndex(requestId);
                }
            }
            return configCommitted();
        }
        return false;
    }

    /**
     * The leader's duties once the configuration in force commits: leave a joint configuration by
     * appending the final one (also for a configuration a predecessor left joint), or, if this
     * node is no voter of the final one, tell the followers the commit and step down (thesis §4.2.2).
     *
     * @return whether the caller, still leader, should broadcast the new commit index
     */
    private boolean configCommitted() {
        if (configInForce.index() > raftLog.committed()) {
            return true;
        }
        ClusterConfig c = configInForce.config();
        if (c.isJoint()) {
            ClusterConfig leave = new ClusterConfig(c.voters(), java.util.Set.of(), c.learners(), c.addresses(),
                    c.clusterId());
            long index = raftLog.lastIndex() + 1;
            log.info("{} leaves the joint configuration at index {}: {}", id, index, leave);
            appendAsLeader(List.of(Entry.config(index, term, leave)));
            return true;
        }
        if (!c.isVoter(id)) {
            broadcastAppend(true);
            log.info("{} steps down in term {}: the configuration without it committed at index {}", id, term,
                    configInForce.index());
            becomeFollower(term, null);
            return false;
        }
        return true;
    }

    /** Entries were appended (replacing any suffix from the first): configurations take effect now. */
    private void appended(List<Entry> entries) {
        ConfigEntry before = configs.current();
        configs.truncateFrom(entries.get(0).index());
        for (Entry e : entries) {
            if (e.type() == EntryType.CONFIG) {
                configs.add(e.index(), ClusterConfig.decode(e.data()));
            }
        }
        if (!configs.current().equals(before) || !configs.current().equals(configInForce)) {
            configChanged();
        }
    }

    /** The configuration in force changed: quorums, progress and who may campaign follow it. */
    private void configChanged() {
        ConfigEntry now = configs.current();
        if (now.equals(configInForce)) {
            return;
        }
        configInForce = now;
        java.util.Set<String> before = new java.util.HashSet<>(tracker.all().keySet());
        tracker.setConfig(now.config(), raftLog.lastIndex() + 1);
        if (role == Role.LEADER) {
            if (leadTransferee != null && !now.config().voters().contains(leadTransferee)) {
                leadTransferee = null;
            }
            for (String peer : tracker.all().keySet()) {
                if (!before.contains(peer) && !peer.equals(id)) {
                    sendAppend(peer, true); // a new member: start probing at once
                }
            }
        } else if (role != Role.FOLLOWER && !promotable()) {
            becomeFollower(term, null);
        }
    }

    private boolean committedEntryInCurrentTerm() {
        return raftLog.term(raftLog.committed()) == term;
    }

    /**
     * Sends the next append to {@code to} if its progress allows.
     *
     * @param sendIfEmpty send even with no entries (to carry the commit index or probe)
     * @return whether a message was sent
     */
    private boolean sendAppend(String to, boolean sendIfEmpty) {
        Progress pr = tracker.get(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = raftLog.term(prevIndex);
        if (prevTerm < 0) {
            // the entries this follower needs were compacted into a snapshot (Raft §7)
            if (snapshot == null || snapshot.index() < raftLog.firstIndex() - 1) {
                log.warn("{} cannot replicate to {}: it needs entry {}, compacted away, and no snapshot covers it",
                        id, to, pr.next());
                return false;
            }
            log.info("{} sends the snapshot at index {} ({} bytes) to {}, which needs entry {}", id,
                    snapshot.index(), snapshot.sizeBytes(), to, pr.next());
            pr.becomeSnapshot(snapshot);
            sendSnapshotChunks(to, pr);
            return false;
        }
        long last = raftLog.lastIndex();
        List<Entry> entries = pr.next() > last ? List.of()
                : raftLog.entries(pr.next(), last + 1, config.maxSizePerMsg());
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry e : entries) {
            bytes += e.sizeBytes();
        }
        pr.sentEntries(entries.size(), prevIndex + entries.size(), bytes);
        send(new AppendRequest(id, to, term, prevIndex, prevTerm, entries, raftLog.committed()));
        return true;
    }

    private void broadcastAppend(boolean sendIfEmpty) {
        for (String peer : tracker.all().keySet()) {
            if (!peer.equals(id)) {
                boolean sent = sendAppend(peer, sendIfEmpty);
                while (sent && sendAppend(peer, false)) {
                    // fill the window
                }
            }
        }
    }

    private void broadcastHeartbeat(long readContext) {
        for (var e : tracker.all().entrySet()) {
            String peer = e.getKey();
            if (!peer.equals(id)) {
                long commit = Math.min(e.getValue().match(), raftLog.committed());
                send(new Heartbeat(id, peer, term, commit, readContext));
            }
        }
    }

    // --- role transitions ---------------------------------------------------------------------

    private enum CampaignType { PRE_VOTE, ELECTION, TRANSFER }

    /**
     * Only a voter campaigns (not a learner, a removed or a joining node): a voter of the
     * configuration in force, or of one before it while that one is not known committed. A leader
     * that appended the configuration without itself and lost leadership before it committed may
     * hold the only copy of it; the others, lacking it, cannot win its vote, so it must be able to
     * win (under the new configuration's quorum), commit it and step down.
     */
    private boolean promotable() {
        return configs.isVoterInAny(id);
    }

    private void campaign(CampaignType type) {
        long voteTerm;
        if (type == CampaignType.PRE_VOTE) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        if (type == CampaignType.PRE_VOTE) {
            tracker.recordVote(id, true); // a pre-vote promises nothing, so it counts at once
            if (tracker.tallyVotes() == VoteResult.WON) {
                campaign(CampaignType.ELECTION); // a single-node cluster needs no pre-votes
                return;
            }
        } else {
            // our own vote counts only once it is durable: it comes back through step()
            sendAfterPersist(new VoteResponse(id, id, term, false, true));
        }
        long lastIndex = raftLog.lastIndex();
        long lastTerm = raftLog.lastTerm();
        for (String peer : tracker.config().allVoters()) {
            if (peer.equals(id)) {
                continue;
            }
            VoteRequest req = new VoteRequest(id, peer, voteTerm, lastIndex, lastTerm,
                    type == CampaignType.PRE_VOTE, type == CampaignType.TRANSFER);
            if (type == CampaignType.PRE_VOTE) {
                send(req);
            } else {
                sendAfterPersist(req); // the new term and our vote must be durable first
            }
        }
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = null;
        }
        leader = null;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
        leadTransferee = null;
        lease.reset();
        broadcastPending = false;
        tracker.resetVotes();
        tracker.resetProgress(raftLog.lastIndex() + 1);
        reads.reset();
    }

    private void becomeFollower(long newTerm, String newLeader) {
        reset(newTerm);
        role = Role.FOLLOWER;
        leader = newLeader;
    }

    private void becomePreCandidate() {
        // thesis §9.6: the pre-candidate changes neither its term nor its vote
        role = Role.PRE_CANDIDATE;
        leader = null;
        tracker.resetVotes();
    }

    private void becomeCandidate() {
        reset(term + 1);
        vote = id;
        role = Role.CANDIDATE;
        log.debug("{} starts an election for term {}", id, term);
    }

    private void becomeLeader() {
        reset(term);
        role = Role.LEADER;
        leader = id;
        Progress self = tracker.get(id);
        self.maybeUpdate(raftLog.stableLastIndex());
        self.becomeReplicate();
        self.setRecentActive(true);
        log.info("{} became leader for term {} with last index {}", id, term, raftLog.lastIndex());
        // Raft §5.4.2 / thesis §6.4: an entry of the new term lets the leader commit what its
        // predecessors left and learn the current commit index
        appendAsLeader(List.of(Entry.noop(raftLog.lastIndex() + 1, term)));
    }

    // --- output -------------------------------------------------------------------------------

    private void send(Message m) {
        messages.add(m);
    }

    private void sendAfterPersist(Message m) {
        persistedMessages.add(m);
    }

    /** Whether {@link #ready()} has anything for the host. */
    public boolean hasReady() {
        return broadcastPending
                || !messages.isEmpty()
                || !snapshotSends.isEmpty()
                || !snapshotChunks.isEmpty()
                || !persistedMessages.isEmpty()
                || raftLog.hasUnstableToPersist()
                || raftLog.hasEntriesToApply()
                || reads.hasReadStates()
                || reads.hasRoundToSend()
                || hardStateChanged()
                || softStateChanged();
    }

    // compared field by field: hasReady() runs once per loop turn and should not allocate
    private boolean hardStateChanged() {
        return lastHardState.term() != term || lastHardState.commit() != raftLog.committed()
                || !Objects.equals(lastHardState.votedFor(), vote);
    }

    private boolean softStateChanged() {
        return lastSoftState.role() != role || lastSoftState.term() != term
                || !Objects.equals(lastSoftState.leaderId(), leader) || lastSoftState.config() != configInForce;
    }

    /**
     * Collects what the host must do now. Messages and read states are handed over by this call;
     * entries, hard state and committed entries count as handed over once the host calls
     * {@link #advance(Ready)}.
     */
    public Ready ready() {
        if (broadcastPending) {
            broadcastPending = false;
            broadcastAppend(false);
        }
        if (reads.hasRoundToSend()) {
            long round = reads.sendRound();
            lease.sent(round);
            broadcastHeartbeat(round);
        }
        SoftState soft = softState();
        HardState hard = hardState();
        List<Message> out = messages;
        List<Message> outAfter = persistedMessages;
        List<SnapshotSend> sends = snapshotSends;
        List<SnapshotChunk> chunks = snapshotChunks;
        messages = new ArrayList<>();
        persistedMessages = new ArrayList<>();
        snapshotSends = sends.isEmpty() ? sends : new ArrayList<>();
        snapshotChunks = chunks.isEmpty() ? chunks : new ArrayList<>();
        return new Ready(
                soft.equals(lastSoftState) ? null : soft,
                hard.equals(lastHardState) ? null : hard,
                raftLog.unstableToPersist(),
                out,
                outAfter,
                raftLog.entriesToApply(config.maxApplyBytes()),
                reads.takeReadStates(),
                raftLog.snapshotToPersist(),
                sends.isEmpty() ? List.of() : sends,
                chunks.isEmpty() ? List.of() : chunks);
    }

    /** Confirms that the host has taken over {@code ready}'s writes and applies. */
    public void advance(Ready ready) {
        if (ready.softState() != null) {
            lastSoftState = ready.softState();
        }
        if (ready.hardState() != null) {
            lastHardState = ready.hardState();
        }
        if (ready.snapshot() != null) {
            raftLog.acceptSnapshotInProgress();
        }
        Entry last = ready.lastEntry();
        if (last != null) {
            raftLog.acceptInProgress(last.index());
        }
        List<Entry> applied = ready.committedEntries();
        if (!applied.isEmpty()) {
            raftLog.acceptApplying(applied);
        }
    }

    /**
     * Reports that the state machine has applied every committed entry up to {@code index}. With
     * {@link RaftConfig#maxUnappliedBytes()} set, the core hands out committed entries only while
     * the bytes handed out and not yet reported applied stay under that bound, so a host whose
     * state machine falls behind does not pile committed entries up in memory; without it, this
     * call is optional. Reporting an index twice, or one not handed out yet, is harmless.
     */
    public void appliedTo(long index) {
        raftLog.appliedTo(index);
    }

    /**
     * Whether committed entries are held back only because the host has not yet reported applying
     * enough of what it was handed ({@link RaftConfig#maxUnappliedBytes()}): then the host should
     * call {@link #appliedTo} as soon as apply progresses.
     */
    public boolean applyWaitsForHost() {
        return raftLog.applyWaitsForHost();
    }

    /** Entry bytes handed out for apply and not yet reported applied (0 unless a bound is set). */
    public long unappliedBytes() {
        return raftLog.unappliedBytes();
    }

    @Override
    public String toString() {
        return id + "[" + role + " term=" + term + " vote=" + vote + " leader=" + leader
                + " last=" + raftLog.lastIndex() + " commit=" + raftLog.committed() + "]";
    }
}
