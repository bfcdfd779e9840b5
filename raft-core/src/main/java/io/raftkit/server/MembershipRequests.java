package io.raftkit.server;

import io.raftkit.core.ConfigChange;
import io.raftkit.core.FollowerProgress;
import io.raftkit.core.RaftNode;
import io.raftkit.core.Role;
import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.ConfigEntry;
import io.raftkit.spi.Transport;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's side of membership: it proposes operators' configuration changes to the core,
 * completes their futures when the change has committed (for a voter change: when C_new has),
 * follows leadership transfers to their end, and tells the transport and the server's status
 * about every change of the configuration in force. Confined to the loop thread.
 *
 * <p>A change is done when the configuration in force is its target and no change is pending
 * (the last configuration entry is committed and not joint). It fails with the core's reason when
 * the core refuses it, with {@link NotLeaderException} on a follower, and with
 * {@link UnknownOutcomeException} when leadership is lost (or the request times out) before
 * that: the change may still take effect, as a command may.
 */
final class MembershipRequests {

    private static final Logger log = LoggerFactory.getLogger(MembershipRequests.class);

    /** A configuration change the leader proposed, waiting to commit. */
    private record Change(AdminRequest<ClusterConfig> request, Set<String> voters, Set<String> learners, long term,
                          String what) {
    }

    /** A leadership transfer in progress. */
    private record Transfer(AdminRequest<Void> request, String to, long term, long abandonAtNanos) {
    }

    /** An {@code addVoter} waiting for its learner to catch up. */
    private record CatchUp(AdminRequest<ClusterConfig> request, String id) {
    }

    private final RaftServer server;
    private final RaftNode node;
    private final Transport transport;
    private final ServerMetrics metrics;
    private final long maxPromotionLag;
    private final long transferTimeoutNanos;
    private final Map<String, InetSocketAddress> known;
    /**
     * Members the builder names that the configuration stored at start does not: nodes added while
     * this one was down, one of which may lead now. Reachable (and vouched for) until a newer
     * configuration is in force, which then says who the members are.
     */
    private final Map<String, InetSocketAddress> addedWhileAway;
    private final long startConfigIndex;
    private final List<Change> changes = new ArrayList<>();
    private final List<Transfer> transfers = new ArrayList<>();
    private final List<CatchUp> catchUps = new ArrayList<>();
    /**
     * The core's configuration entry last published; the core replaces the object only when the
     * configuration in force changes, so comparing references is enough on every loop turn.
     */
    private ConfigEntry published;

    MembershipRequests(RaftServer server, RaftNode node, Transport transport, ServerMetrics metrics,
                      ServerConfig config, Map<String, InetSocketAddress> known) {
        this.server = server;
        this.node = node;
        this.transport = transport;
        this.metrics = metrics;
        this.maxPromotionLag = config.maxPromotionLag();
        // a transfer the core has not finished within an election timeout is abandoned by the core
        // (proposals resume); the runtime gives the new leader's election one more
        this.transferTimeoutNanos = 2 * config.electionTimeout().toNanos() + config.tick().toNanos();
        this.known = new HashMap<>(known);
        ConfigEntry atStart = node.configEntry();
        this.startConfigIndex = atStart.index();
        Map<String, InetSocketAddress> added = new HashMap<>(known);
        added.keySet().removeAll(atStart.config().members());
        this.addedWhileAway = atStart.config().members().isEmpty() ? Map.of() : Map.copyOf(added);
        node.vouchFor(known.keySet());
    }

    /**
     * Proposes the change {@code target} computes from the configuration in force; fails the
     * request at once if this node is not the leader or the core (or {@code target}) refuses it.
     */
    void propose(AdminRequest<ClusterConfig> request, String what, Function<ClusterConfig, ConfigChange> target) {
        if (node.role() != Role.LEADER) {
            metrics.membershipChange("not_leader");
            request.fail(new NotLeaderException(node.leaderId(), node.term(), null));
            return;
        }
        ConfigChange change;
        try {
            change = target.apply(node.clusterConfig());
            node.proposeConfigChange(change);
        } catch (NotLeaderException e) {
            metrics.membershipChange("not_leader");
            request.fail(e);
            return;
        } catch (IllegalArgumentException | IllegalStateException e) {
            metrics.membershipChange("refused");
            request.fail(e);
            return;
        }
        log.info("{} proposed a membership change ({}): voters {}, learners {}", node.nodeId(), what,
                change.voters(), change.learners());
        changes.add(new Change(request, Set.copyOf(change.voters()), Set.copyOf(change.learners()), node.term(), what));
    }

    /** Completes the request once {@code id} lags the leader by at most {@code maxPromotionLag}. */
    void awaitCaughtUp(AdminRequest<ClusterConfig> request, String id) {
        if (node.role() != Role.LEADER) {
            request.fail(new NotLeaderException(node.leaderId(), node.term(), null));
            return;
        }
        catchUps.add(new CatchUp(request, id));
    }

    /** How far {@code id} lags the leader's last index, or -1 if this leader does not track it. */
    long lag(String id) {
        FollowerProgress pr = node.progress(id);
        return pr == null ? -1 : Math.max(0, node.lastIndex() - pr.match());
    }

    /** The promotion of a learner, refused while it lags more than {@code maxPromotionLag}. */
    ConfigChange promotion(ClusterConfig current, String id) {
        if (!current.isLearner(id)) {
            throw new IllegalArgumentException(current.voters().contains(id)
                    ? id + " is already a voter" : id + " is not a learner of the cluster (add it first)");
        }
        long lag = lag(id);
        if (lag < 0 || lag > maxPromotionLag) {
            throw new IllegalStateException("learner " + id + " lags the leader by "
                    + (lag < 0 ? "an unknown number of" : String.valueOf(lag)) + " entries, more than maxPromotionLag ("
                    + maxPromotionLag + "): let it catch up, then promote it");
        }
        Set<String> voters = new TreeSet<>(current.voters());
        voters.add(id);
        Set<String> learners = new TreeSet<>(current.learners());
        learners.remove(id);
        return new ConfigChange(voters, learners, current.addresses());
    }

    /** Starts a leadership transfer to {@code to}. */
    void transfer(AdminRequest<Void> request, String to) {
        if (node.role() != Role.LEADER) {
            metrics.leadershipTransfer("not_leader");
            request.fail(new NotLeaderException(node.leaderId(), node.term(), null));
            return;
        }
        if (to.equals(node.nodeId())) {
            metrics.leadershipTransfer("done");
            request.succeed(null);
            return;
        }
        ClusterConfig config = node.clusterConfig();
        if (!config.voters().contains(to)) {
            metrics.leadershipTransfer("refused");
            request.fail(new IllegalArgumentException("cannot transfer leadership to " + to + ": it is not a voter"
                    + " of the configuration in force (voters " + config.voters() + ")"));
            return;
        }
        try {
            node.transferLeadership(to);
        } catch (NotLeaderException e) {
            metrics.leadershipTransfer("not_leader");
            request.fail(e);
            return;
        } catch (IllegalArgumentException | IllegalStateException e) {
            metrics.leadershipTransfer("refused");
            request.fail(e);
            return;
        }
        log.info("{} transfers leadership of term {} to {}", node.nodeId(), node.term(), to);
        transfers.add(new Transfer(request, to, node.term(), System.nanoTime() + transferTimeoutNanos));
    }

    /** After each turn: publish a new configuration, complete what finished, fail what cannot. */
    void afterTurn(long now) {
        ConfigEntry inForce = node.configEntry();
        ClusterConfig config = inForce.config();
        if (inForce != published) {
            published = inForce;
            if (!config.members().isEmpty()) {
                // a joining node knows no configuration yet: it keeps the builder's members, the
                // ones it was told to expect the leader among
                Map<String, InetSocketAddress> addresses = MemberAddresses.of(config, known);
                addresses.forEach(known::put);
                if (inForce.index() <= startConfigIndex) {
                    addedWhileAway.forEach(addresses::putIfAbsent);
                }
                transport.updateMembers(addresses);
                // the core hears a leader's messages from whoever the transport lets in
                node.vouchFor(addresses.keySet());
            }
            server.publishConfig(config);
            log.info("{}: configuration in force: voters {}{}, learners {}", node.nodeId(), config.voters(),
                    config.isJoint() ? " (joint with " + config.outgoingVoters() + ")" : "", config.learners());
        }
        if (!changes.isEmpty()) {
            completeChanges(config, now);
        }
        if (!catchUps.isEmpty()) {
            completeCatchUps(now);
        }
        if (!transfers.isEmpty()) {
            completeTransfers(now);
        }
    }

    private void completeChanges(ClusterConfig config, long now) {
        boolean settled = !node.configChangePending();
        for (Iterator<Change> it = changes.iterator(); it.hasNext(); ) {
            Change c = it.next();
            if (settled && !config.isJoint() && config.voters().equals(c.voters())
                    && config.learners().equals(c.learners())) {
                metrics.membershipChange("committed");
                log.info("{}: membership change committed ({}): voters {}, learners {}", node.nodeId(), c.what(),
                        config.voters(), config.learners());
                c.request().succeed(config);
            } else if (node.role() != Role.LEADER || node.term() != c.term()) {
                metrics.membershipChange("unknown");
                c.request().fail(new UnknownOutcomeException("leadership was lost before the membership change ("
                        + c.what() + ") committed; it may or may not take effect: check the configuration"
                        + (node.leaderId() == null ? "" : " on the leader, " + node.leaderId())));
            } else if (settled) {
                // committed, but the configuration is not the target: another change overtook it
                metrics.membershipChange("unknown");
                c.request().fail(new UnknownOutcomeException("the membership change (" + c.what()
                        + ") was replaced by another before it committed; configuration in force: voters "
                        + config.voters() + ", learners " + config.learners()));
            } else if (now - c.request().deadlineNanos >= 0) {
                metrics.membershipChange("unknown");
                c.request().fail(new UnknownOutcomeException("the membership change (" + c.what()
                        + ") did not commit within the request timeout; it may still take effect"));
            } else {
                continue;
            }
            it.remove();
        }
    }

    private void completeCatchUps(long now) {
        for (Iterator<CatchUp> it = catchUps.iterator(); it.hasNext(); ) {
            CatchUp c = it.next();
            if (node.role() != Role.LEADER) {
                c.request().fail(new NotLeaderException(node.leaderId(), node.term(), null));
            } else {
                long lag = lag(c.id());
                if (lag >= 0 && lag <= maxPromotionLag) {
                    c.request().succeed(node.clusterConfig());
                } else if (now - c.request().deadlineNanos >= 0) {
                    c.request().fail(new IllegalStateException("learner " + c.id() + " still lags the leader by "
                            + lag + " entries (maxPromotionLag " + maxPromotionLag + ") after the request timeout;"
                            + " it stays a learner: promote it once it has caught up"));
                } else {
                    continue;
                }
            }
            it.remove();
        }
    }

    private void completeTransfers(long now) {
        for (Iterator<Transfer> it = transfers.iterator(); it.hasNext(); ) {
            Transfer t = it.next();
            String leader = node.leaderId();
            if (t.to().equals(leader)) {
                metrics.leadershipTransfer("done");
                log.info("{}: leadership moved to {} (term {})", node.nodeId(), leader, node.term());
                t.request().succeed(null);
            } else if (leader != null && !leader.equals(node.nodeId())) {
                metrics.leadershipTransfer("other_leader");
                t.request().fail(new IllegalStateException("leadership went to " + leader + ", not " + t.to()));
            } else if (now - t.abandonAtNanos() >= 0) {
                metrics.leadershipTransfer("abandoned");
                t.request().fail(new IllegalStateException("the transfer of leadership to " + t.to()
                        + " was abandoned: it did not take over within an election timeout"
                        + (node.role() == Role.LEADER ? "; " + node.nodeId() + " still leads and accepts proposals"
                        : "")));
            } else {
                continue;
            }
            it.remove();
        }
    }

    /** The loop stops: fail what is left. */
    void close(Throwable cause) {
        for (Change c : changes) {
            c.request().fail(new UnknownOutcomeException("the server stopped before the membership change ("
                    + c.what() + ") committed", cause));
        }
        catchUps.forEach(c -> c.request().fail(cause));
        transfers.forEach(t -> t.request().fail(cause));
        changes.clear();
        catchUps.clear();
        transfers.clear();
    }
}
