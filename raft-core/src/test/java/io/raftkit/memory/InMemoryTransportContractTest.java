package io.raftkit.memory;

import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContractTest;
import java.util.List;

class InMemoryTransportContractTest extends TransportContractTest {

    @Override
    protected TransportFixture newFixture(List<String> nodeIds) {
        InMemoryNetwork network = new InMemoryNetwork();
        return new TransportFixture() {
            @Override
            public Transport newTransport(String nodeId) {
                return network.transport(nodeId);
            }

            @Override
            public void close() {
                network.close();
            }
        };
    }

    @Override
    protected int largePayloadBytes() {
        // In memory nothing is copied or framed; 4 MiB stands for a typical network limit.
        return 4 << 20;
    }
}
