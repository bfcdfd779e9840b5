package io.raftkit.transport.netty;

import io.netty.util.AttributeKey;
import io.raftkit.transport.netty.proto.Frame;
import io.raftkit.transport.netty.proto.Hello;
import io.raftkit.transport.netty.proto.HelloReject;

/** The connection handshake's constants and frames, shared by both sides. */
final class Handshake {

    /** Version of this wire protocol; peers must send the same. */
    static final int PROTOCOL_VERSION = 1;

    /** The node id a connection's peer proved in its handshake. */
    static final AttributeKey<String> PEER_ID = AttributeKey.valueOf("raftkit.peerId");

    private Handshake() {
    }

    static Frame hello(String clusterId, String nodeId) {
        return Frame.newBuilder().setHello(Hello.newBuilder()
                .setProtocolVersion(PROTOCOL_VERSION).setClusterId(clusterId).setNodeId(nodeId)).build();
    }

    static Frame reject(RejectReason reason) {
        return Frame.newBuilder().setHelloReject(HelloReject.newBuilder().setReason(reason.tag())).build();
    }

    /**
     * Checks what both sides check of the other's hello: protocol version and cluster.
     *
     * @throws ProtocolException naming the first mismatch
     */
    static void checkCompatible(InboundFrame.HelloFields hello, String clusterId) {
        if (hello.protocolVersion() != PROTOCOL_VERSION) {
            throw new ProtocolException(RejectReason.VERSION_MISMATCH, "node '" + hello.nodeId()
                    + "' speaks protocol version " + hello.protocolVersion() + ", this node " + PROTOCOL_VERSION);
        }
        if (!hello.clusterId().equals(clusterId)) {
            throw new ProtocolException(RejectReason.CLUSTER_MISMATCH, "node '" + hello.nodeId()
                    + "' belongs to cluster '" + hello.clusterId() + "', this node to '" + clusterId
                    + "': the cluster id is derived from the cluster name and the founding member ids, so the"
                    + " two nodes were given different cluster names or member lists");
        }
    }
}
