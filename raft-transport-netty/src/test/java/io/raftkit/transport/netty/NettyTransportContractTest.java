package io.raftkit.transport.netty;

import io.raftkit.spi.Transport;
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
        return nodeId -> new NettyTransport(configure(TestNodes.config(nodeId, members)
                .maxFrameBytes(MAX_FRAME_BYTES)).build());
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
