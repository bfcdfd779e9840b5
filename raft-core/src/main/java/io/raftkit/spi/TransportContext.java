package io.raftkit.spi;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Transport} learns from the server that starts it: who this node is, which cluster
 * it belongs to and where every founding member listens. The server is told the member list once
 * (by its builder) and hands it on here, so the transport and the Raft configuration can never
 * disagree about who the members are.
 *
 * @param nodeId    this node's id; a key of {@code members}
 * @param clusterId the identity of the cluster, compared with the peer's during a transport's
 *                  handshake; {@link ClusterId#derive} makes it from the cluster name and the
 *                  founding member ids, so nodes given different member lists refuse each other
 * @param members   every founding member's id and address, this node included (unmodifiable)
 */
public record TransportContext(String nodeId, String clusterId, Map<String, InetSocketAddress> members) {

    public TransportContext {
        requireText(nodeId, "nodeId");
        requireText(clusterId, "clusterId");
        Objects.requireNonNull(members, "members");
        members.forEach((id, address) -> {
            requireText(id, "member id");
            Objects.requireNonNull(address, () -> "address of member " + id);
        });
        if (!members.containsKey(nodeId)) {
            throw new IllegalArgumentException("members " + members.keySet() + " do not include this node, " + nodeId);
        }
        members = Map.copyOf(members);
    }

    /** This node's own address in {@link #members}. */
    public InetSocketAddress selfAddress() {
        return members.get(nodeId);
    }

    private static void requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
