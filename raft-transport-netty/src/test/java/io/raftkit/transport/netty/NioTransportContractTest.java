package io.raftkit.transport.netty;

/** The same contract with epoll turned off: the NIO path every other OS takes. */
class NioTransportContractTest extends NettyTransportContractTest {

    @Override
    protected NettyTransportConfig.Builder configure(NettyTransportConfig.Builder builder) {
        return builder.nativeTransport(false);
    }
}
