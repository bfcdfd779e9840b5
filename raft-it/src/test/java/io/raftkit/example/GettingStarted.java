package io.raftkit.example;

// tag::imports[]
import io.raftkit.errors.NotLeaderException;                  // raft-core: every user-facing exception
import io.raftkit.errors.UnknownOutcomeException;
import io.raftkit.server.RaftServer;                          // raft-core: the runtime
import io.raftkit.server.ReadConsistency;
import io.raftkit.server.ServerStatus;
import io.raftkit.snapshot.FileSnapshotStore;                 // raft-core: snapshots on disk
import io.raftkit.storage.rocksdb.RocksDbLogStorage;          // raft-storage-rocksdb
import io.raftkit.transport.netty.NettyTransport;             // raft-transport-netty
import io.raftkit.transport.netty.NettyTransportConfig;
// end::imports[]
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The code of docs/getting-started.md; GettingStartedClusterTest runs it and checks the doc quotes it exactly. */
public final class GettingStarted {

    private GettingStarted() {
    }

    // tag::start-node[]
    static RaftServer startNode(String id, Map<String, InetSocketAddress> members, Path dataDir)
            throws IOException {
        // Transport settings only: the server hands it the members below when it starts it.
        NettyTransport transport = new NettyTransport(NettyTransportConfig.defaults());
        RocksDbLogStorage log = RocksDbLogStorage.open(dataDir.resolve(id));
        FileSnapshotStore snapshots = FileSnapshotStore.open(dataDir.resolve(id + "-snapshots"));
        return RaftServer.builder()
                .nodeId(id)
                .clusterName("counter-cluster") // with the member ids, the cluster's identity
                .members(members)               // the one member list: ids and listen addresses
                .transport(transport)       // the server starts and closes it
                .logStorage(log)            // the server closes it
                .snapshotStore(snapshots)   // lets the log be compacted; the server closes it
                .stateMachine(new CounterStateMachine())
                .build()
                .start();
    }
    // end::start-node[]

    /** Starts three nodes on the given ports, adds 1 + 2 + 3, reads the total, closes everything. */
    static long run(Path dataDir, int port1, int port2, int port3) throws Exception {
        // tag::three-nodes[]
        Map<String, InetSocketAddress> members = Map.of(
                "n1", new InetSocketAddress("127.0.0.1", port1),
                "n2", new InetSocketAddress("127.0.0.1", port2),
                "n3", new InetSocketAddress("127.0.0.1", port3));
        List<RaftServer> nodes = new ArrayList<>();
        for (String id : List.of("n1", "n2", "n3")) {
            nodes.add(startNode(id, members, dataDir));
        }
        // end::three-nodes[]
        try {
            // tag::submit-and-read[]
            RaftServer node = nodes.get(0); // any node: a follower forwards to the leader
            for (long delta : new long[] {1, 2, 3}) {
                byte[] command = ByteBuffer.allocate(8).putLong(delta).array();
                byte[] result = node.submit(command).get(); // committed by a majority and applied
                System.out.println("total after +" + delta + ": " + ByteBuffer.wrap(result).getLong());
            }
            byte[] answer = node.query(new byte[0]).get(); // a linearizable read, on any node
            long total = ByteBuffer.wrap(answer).getLong(); // 6
            // end::submit-and-read[]
            // tag::read-consistency[]
            byte[] viaLease = node.query(new byte[0], ReadConsistency.LEASE).get(); // no quorum round while the lease holds
            byte[] local = node.query(new byte[0], ReadConsistency.LOCAL).get();    // this node's state, maybe stale
            ServerStatus status = node.status();                                    // who leads, in which term
            System.out.println(status.leaderId() + " leads term " + status.term() + "; lease read "
                    + ByteBuffer.wrap(viaLease).getLong() + ", local read " + ByteBuffer.wrap(local).getLong());
            // end::read-consistency[]
            return total;
        } finally {
            // tag::close[]
            for (RaftServer node : nodes) {
                node.close(); // stops its threads, closes its transport and log storage
            }
            // end::close[]
        }
    }

    // tag::unknown-outcome[]
    static byte[] submitIdempotent(RaftServer node, byte[] commandWithUniqueId) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return node.submit(commandWithUniqueId).get();
            } catch (java.util.concurrent.ExecutionException e) {
                boolean retry = e.getCause() instanceof UnknownOutcomeException   // may or may not have committed
                        || e.getCause() instanceof NotLeaderException;          // no leader within the request timeout
                if (!retry || attempt == 3) {
                    throw e;
                }
                // safe only because the state machine ignores a command id it has already applied
            }
        }
    }
    // end::unknown-outcome[]
}
