package io.raftkit.ledger;

import io.raftkit.server.RaftServer;
import io.raftkit.spi.ClusterConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The ledger's view of the members: who they are comes from the Raft configuration in force; where
 * they listen comes from the node's {@code --cluster} list or, for a member added later, from the
 * configuration itself: the ledger adds a node with its address value
 * {@code raftHost:port/httpHost:port} (the Raft address, then the HTTP address as the runtime's
 * annotation), so every node learns a new member's HTTP address with the change itself and can
 * forward writes to it once it leads.
 */
final class ClusterMembers {

    private final LedgerNodeConfig config;
    private final RaftServer server;

    ClusterMembers(LedgerNodeConfig config, RaftServer server) {
        this.config = config;
        this.server = server;
    }

    /** The member with this id and its addresses, or null if they are not known here. */
    Member member(String id) {
        Member known = config.member(id);
        if (known != null) {
            return known;
        }
        String value = server.clusterConfig().addresses().get(id);
        if (value == null) {
            return null;
        }
        try {
            return Member.parseList(id + "=" + value).get(0);
        } catch (IllegalArgumentException e) {
            return null; // added without an HTTP address (not through the ledger): not reachable over HTTP
        }
    }

    /**
     * The members in force with their addresses where known; before this node knows a configuration
     * (a joining node), the {@code --cluster} list.
     */
    List<Member> current() {
        ClusterConfig c = server.clusterConfig();
        if (c.members().isEmpty()) {
            return config.members();
        }
        List<Member> result = new ArrayList<>();
        for (String id : c.members()) {
            Member m = member(id);
            if (m != null) {
                result.add(m);
            }
        }
        return result;
    }

    /** {@code voter}, {@code learner}, or {@code leaving} (a voter of the outgoing half of a joint change only). */
    String role(String id) {
        ClusterConfig c = server.clusterConfig();
        if (c.voters().contains(id)) {
            return "voter";
        }
        if (c.isLearner(id)) {
            return "learner";
        }
        return c.outgoingVoters().contains(id) ? "leaving" : "unknown";
    }
}
