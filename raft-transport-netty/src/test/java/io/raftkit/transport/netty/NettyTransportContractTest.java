package io.raftkit.transport.netty;

import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.TransportContractTest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** The shared Transport contract over real sockets on 127.0.0.1, with epoll where available. */
class NettyTransportContractTest extends TransportContractTest {

    static final int MAX_FRAME_BYTES = 2 << 20;

    @Override
    protected TransportFixture newFixture(List<String> nodeIds) {
        Map<String, InetSocketAddress> members = TestNodes.members(nodeIds);
        String clusterId = ClusterId.derive("contract", nodeIds);
        return new TransportFixture() {
            @Override
            public Transport newTransport(String nodeId) {
                return new NettyTransport(configure(TestNodes.config().maxFrameBytes(MAX_FRAME_BYTES)).build());
            }

            @Override
            public TransportContext context(String nodeId) {
                return new TransportContext(nodeId, clusterId, members);
            }
        };
    }

    /** Lets a subclass run the same contract with another setting. */
    protected NettyTransportConfig.Builder configure(NettyTransportConfig.Builder builder) {
        return builder;
    }

    @Override
    protected int largePayloadBytes() {
        // Frame overhead of a one-entry append with short ids is under 100 bytes.
        return MAX_FRAME_BYTES - 200;
    }
}
