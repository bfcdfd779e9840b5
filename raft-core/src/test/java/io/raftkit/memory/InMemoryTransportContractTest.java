package io.raftkit.memory;

import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.TransportContractTest;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            public TransportContext context(String nodeId) {
                Map<String, InetSocketAddress> members = new LinkedHashMap<>();
                // The in-memory network routes by id; the addresses are never used.
                nodeIds.forEach(id -> members.put(id, new InetSocketAddress("127.0.0.1", 1)));
                return new TransportContext(nodeId, ClusterId.derive("contract", nodeIds), members);
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
