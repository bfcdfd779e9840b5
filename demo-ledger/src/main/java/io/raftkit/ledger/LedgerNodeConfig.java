package io.raftkit.ledger;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a ledger node needs to start. Validated on construction.
 *
 * @param nodeId   this node's id; must be one of {@code members}
 * @param dataDir  its directory: {@code dataDir/raft} holds the Raft log, {@code dataDir/state} the ledger
 * @param members  every member of the cluster, this node included
 * @param http     limits of the HTTP API
 * @param demoMode short Raft timeouts (election 300 ms, heartbeat 50 ms) so that a failover in a demo
 *                 or a test takes a fraction of a second; production keeps the library's defaults
 * @param joinClusterId the id of the running cluster this node joins ({@code node --join}), or null
 *                 for a founding member; {@code members} are then the current members and this node
 */
public record LedgerNodeConfig(String nodeId, Path dataDir, List<Member> members, HttpLimits http, boolean demoMode,
                               String joinClusterId) {

    /** A founding member's configuration. */
    public LedgerNodeConfig(String nodeId, Path dataDir, List<Member> members, HttpLimits http, boolean demoMode) {
        this(nodeId, dataDir, members, http, demoMode, null);
    }

    public LedgerNodeConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(http, "http");
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("members must list at least this node");
        }
        members = List.copyOf(members);
        Set<String> ids = new HashSet<>();
        for (Member m : members) {
            if (!ids.add(m.id())) {
                throw new IllegalArgumentException("member id " + m.id() + " appears twice");
            }
        }
        if (!ids.contains(nodeId)) {
            throw new IllegalArgumentException("nodeId " + nodeId + " is not one of the members " + ids);
        }
    }

    /** A configuration with the default HTTP limits and no demo mode. */
    public static LedgerNodeConfig of(String nodeId, Path dataDir, List<Member> members) {
        return new LedgerNodeConfig(nodeId, dataDir, members, HttpLimits.defaults(), false);
    }

    /** This node's own member entry. */
    public Member self() {
        return member(nodeId);
    }

    /** The member with this id, or null. */
    public Member member(String id) {
        for (Member m : members) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        return null;
    }

    public LedgerNodeConfig withHttp(HttpLimits value) {
        return new LedgerNodeConfig(nodeId, dataDir, members, value, demoMode, joinClusterId);
    }

    public LedgerNodeConfig withDemoMode(boolean value) {
        return new LedgerNodeConfig(nodeId, dataDir, members, http, value, joinClusterId);
    }

    /** The same node, started to join the running cluster {@code clusterId} (see {@code node --join}). */
    public LedgerNodeConfig withJoin(String clusterId) {
        return new LedgerNodeConfig(nodeId, dataDir, members, http, demoMode, clusterId);
    }
}
