package io.raftkit.example;

// tag::imports[]
import io.raftkit.errors.NotLeaderException;                  // raft-core: every user-facing exception
import io.raftkit.server.RaftServer;                          // raft-core: the runtime
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
            RaftServer leader = awaitLeader(nodes);
            for (long delta : new long[] {1, 2, 3}) {
                byte[] command = ByteBuffer.allocate(8).putLong(delta).array();
                byte[] result = leader.submit(command).get(); // committed by a majority and applied
                System.out.println("total after +" + delta + ": " + ByteBuffer.wrap(result).getLong());
            }
            byte[] answer = leader.query(new byte[0]).get(); // a linearizable read (ReadIndex)
            long total = ByteBuffer.wrap(answer).getLong();   // 6
            // end::submit-and-read[]
            return total;
        } finally {
            // tag::close[]
            for (RaftServer node : nodes) {
                node.close(); // stops its threads, closes its transport and log storage
            }
            // end::close[]
        }
    }

    // tag::find-leader[]
    static RaftServer awaitLeader(List<RaftServer> nodes) throws Exception {
        CompletableFuture<RaftServer> elected = new CompletableFuture<>();
        for (RaftServer node : nodes) {
            node.addLeaderListener((leaderId, term, isSelf) -> {
                if (isSelf) {
                    elected.complete(node);
                }
            });
            if (node.status().isLeader()) { // elected before the listener was added
                elected.complete(node);
            }
        }
        // an election takes one to two election timeouts (1-2 s by default)
        return elected.get(30, TimeUnit.SECONDS);
    }
    // end::find-leader[]

    // tag::not-leader[]
    static byte[] submitAnywhere(List<RaftServer> nodes, RaftServer node, byte[] command) throws Exception {
        try {
            return node.submit(command).get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof NotLeaderException notLeader && notLeader.leaderId() != null) {
                for (RaftServer other : nodes) {
                    if (other.nodeId().equals(notLeader.leaderId())) {
                        return other.submit(command).get(); // retry at the leader it named
                    }
                }
            }
            throw e;
        }
    }
    // end::not-leader[]
}
