package io.raftkit.server;

import io.raftkit.core.RaftNode;
import io.raftkit.core.ReadState;
import io.raftkit.core.Role;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.OverloadedException;
import io.raftkit.errors.ServerClosedException;
import io.raftkit.spi.Transport;
import io.raftkit.spi.message.ForwardRequest;
import io.raftkit.spi.message.ForwardResponse;
import io.raftkit.spi.message.InvalidReason;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.MessageValidator;
import io.raftkit.spi.message.ReadIndexRequest;
import io.raftkit.spi.message.ReadIndexResponse;
import io.raftkit.spi.message.RouteStatus;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The loop's side of serving from any node: plugs the runtime's requests into the deterministic
 * {@link RequestRouter} (this node's requests the leader must serve) and {@link ForwardServer}
 * (other nodes' requests, when this node leads). Runs on the loop thread, except where noted.
 */
final class LoopRouting implements RequestRouter.Requests<PendingRequest>, ForwardServer.Host {

    private final RaftServer server;
    private final RaftNode node;
    private final ServerMetrics metrics;
    /** Null when forwarding is off. */
    private final RequestRouter<PendingRequest> router;
    private final ForwardServer forwardServer;
    private final Consumer<Proposal> requeueProposal;
    private final Consumer<ReadRequest> requeueRead;
    private final Consumer<ReadRequest> serveAtIndex;
    /** Commands other nodes forwarded, to be proposed with this turn's batch. */
    private final ArrayDeque<Proposal> forwardedIn = new ArrayDeque<>();
    /** Leader-side forwarded commands are bounded per sender by the ForwardServer, not by the local budget. */
    private final PendingBudget unbounded = new PendingBudget(Integer.MAX_VALUE, Long.MAX_VALUE);

    LoopRouting(RaftServer server, RaftNode node, Transport transport, ServerMetrics metrics, ServingConfig serving,
                int readRetryTicks, Consumer<Proposal> requeueProposal, Consumer<ReadRequest> requeueRead,
                Consumer<ReadRequest> serveAtIndex) {
        this.server = server;
        this.node = node;
        this.metrics = metrics;
        this.requeueProposal = requeueProposal;
        this.requeueRead = requeueRead;
        this.serveAtIndex = serveAtIndex;
        Consumer<Message> send = m -> {
            if (m instanceof ForwardRequest f) {
                metrics.forwardSent(false, f.commands().size());
            } else if (m instanceof ReadIndexRequest r) {
                metrics.forwardSent(true, r.reads().size());
            }
            transport.send(m);
        };
        long maxBatchBytes = transport.maxMessageBytes();
        this.router = serving.forwarding()
                ? new RequestRouter<>(node.nodeId(), this, send, readRetryTicks, maxBatchBytes) : null;
        this.forwardServer = new ForwardServer(node.nodeId(), this, send, serving.maxForwardedPerFollower(),
                maxBatchBytes, metrics.forwardReceived());
    }

    boolean forwarding() {
        return router != null;
    }

    /**
     * A forwarding or follower-read message arrived (never for the core). One that is malformed or
     * not for this node is dropped and counted, as the core does with its own. (Membership is not
     * checked: a request from a node that left is answered like any other, and does no harm.)
     */
    void onMessage(Message m) {
        InvalidReason invalid = MessageValidator.check(m);
        if (invalid == null && !m.to().equals(node.nodeId())) {
            invalid = InvalidReason.WRONG_RECIPIENT;
        }
        if (invalid != null) {
            metrics.messageInvalid(m.kind(), invalid);
            return;
        }
        switch (m.kind()) {
            case FORWARD_REQUEST -> forwardServer.onForward((ForwardRequest) m);
            case READ_INDEX_REQUEST -> forwardServer.onReadIndexRequest((ReadIndexRequest) m);
            case FORWARD_RESPONSE -> {
                if (router != null) {
                    router.onResponse((ForwardResponse) m);
                }
            }
            case READ_INDEX_RESPONSE -> {
                if (router != null) {
                    router.onResponse((ReadIndexResponse) m);
                }
            }
            default -> throw new IllegalArgumentException("not a routing message: " + m.kind());
        }
    }

    void forwardWrite(Proposal p) {
        router.forwardWrite(p);
    }

    void forwardRead(ReadRequest r) {
        router.forwardRead(r, r.consistency == ReadConsistency.LEASE);
    }

    /** The next command another node forwarded, or null. */
    Proposal pollForwarded() {
        return forwardedIn.poll();
    }

    boolean readConfirmed(ReadState rs) {
        return forwardServer.readConfirmed(rs);
    }

    void softState(Role prevRole, Role role, String leader, long term) {
        if (prevRole == Role.LEADER && role != Role.LEADER) {
            forwardServer.leadershipLost(leader);
        }
        if (router != null) {
            router.leaderChanged(leader, term);
        }
    }

    /** The loop ends: fails what is held here. */
    void close(ServerClosedException closed) {
        if (router != null) {
            router.close(closed);
        }
        Proposal p;
        while ((p = forwardedIn.poll()) != null) {
            p.fail(closed);
        }
    }

    /**
     * Sends what this turn routed and answered: this node's requests to the leader in one message
     * per kind, other nodes' answers in one message per sender and kind. Any thread (the apply
     * thread flushes the answers its batch produced; the router is the loop's only).
     */
    void flush() {
        if (router != null) {
            router.flush();
        }
        flushAnswers();
    }

    /** Sends the queued answers to other nodes' requests. Any thread. */
    void flushAnswers() {
        forwardServer.flush();
    }

    void tick() {
        if (router != null) {
            router.tick();
        }
    }

    // --- RequestRouter.Requests: this node's requests ---------------------------------------

    @Override
    public byte[] payload(PendingRequest r) {
        return r instanceof Proposal p ? p.command : ((ReadRequest) r).query;
    }

    @Override
    public boolean isDone(PendingRequest r) {
        return r.isDone();
    }

    @Override
    public boolean markSent(PendingRequest r) {
        return ((Proposal) r).route.compareAndSet(Proposal.UNSENT, Proposal.MAYBE_PROPOSED);
    }

    @Override
    public void markUnsent(PendingRequest r) {
        ((Proposal) r).route.compareAndSet(Proposal.MAYBE_PROPOSED, Proposal.UNSENT);
    }

    @Override
    public void succeeded(PendingRequest r, byte[] result) {
        r.succeed(result);
    }

    @Override
    public void failed(PendingRequest r, RuntimeException cause) {
        r.fail(cause);
    }

    @Override
    public void readIndexKnown(PendingRequest r, long index) {
        ReadRequest read = (ReadRequest) r;
        read.index = index;
        serveAtIndex.accept(read);
    }

    @Override
    public void serveLocally(PendingRequest r, boolean read) {
        if (read) {
            requeueRead.accept((ReadRequest) r);
        } else {
            // held unsent until now: a timeout may again not know whether it was proposed
            ((Proposal) r).route.compareAndSet(Proposal.UNSENT, Proposal.MAYBE_PROPOSED);
            requeueProposal.accept((Proposal) r);
        }
    }

    // --- ForwardServer.Host: other nodes' requests -----------------------------------------

    @Override
    public boolean canPropose() {
        return node.canPropose();
    }

    @Override
    public String leaderHint() {
        return server.leader; // any thread
    }

    @Override
    public long term() {
        return server.term; // any thread
    }

    @Override
    public void propose(ForwardServer.Forwarded command) {
        Proposal p = new Proposal(command.command(), System.nanoTime(), unbounded, Runnable::run);
        p.forwarded = true;
        // completed by the apply thread, the loop or a closing thread: the answer leaves from there
        p.future().whenComplete((result, failure) ->
                forwardServer.commandDone(command, failure == null ? RouteStatus.OK : status(failure), result));
        forwardedIn.add(p);
    }

    private static RouteStatus status(Throwable failure) {
        if (failure instanceof NotLeaderException || failure instanceof ServerClosedException) {
            return RouteStatus.NOT_LEADER; // nothing was proposed
        }
        if (failure instanceof OverloadedException) {
            return RouteStatus.OVERLOADED;
        }
        return RouteStatus.UNKNOWN_OUTCOME;
    }

    @Override
    public void readIndex(long readId) {
        node.readIndex(readId);
    }

    @Override
    public long leaseReadIndex() {
        return node.leaseReadIndex();
    }
}
