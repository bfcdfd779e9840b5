package io.raftkit.ledger;

import io.raftkit.memory.InMemoryNetwork;
import io.raftkit.spi.ClusterId;
import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.TransportContractTest;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** With no node cut off, the demo's decorator is a transport like any other: the shared contract. */
class CuttableTransportContractTest extends TransportContractTest {

    @Override
    protected TransportFixture newFixture(List<String> nodeIds) {
        InMemoryNetwork network = new InMemoryNetwork();
        NetworkCut cut = new NetworkCut();
        return new TransportFixture() {
            @Override
            public Transport newTransport(String nodeId) {
                return new CuttableTransport(network.transport(nodeId), cut);
            }

            @Override
            public TransportContext context(String nodeId) {
                Map<String, InetSocketAddress> members = new LinkedHashMap<>();
                nodeIds.forEach(id -> members.put(id, new InetSocketAddress("127.0.0.1", 1))); // routed by id
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
        return 4 << 20;
    }
}
