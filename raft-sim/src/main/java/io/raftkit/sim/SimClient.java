package io.raftkit.sim;

import io.raftkit.sim.lin.KvInput;
import io.raftkit.sim.lin.KvOutput;

/** A simulated client: one operation at a time, retrying at another node when told to. */
final class SimClient {

    /** One operation in flight: what the history recorder knows it as. */
    static final class Op {
        final SimClient client;
        final long callTime;
        final long opId;
        final KvInput input;
        boolean done;
        /** The client saw the result: {@link #output} at {@link #returnTime}. */
        boolean acknowledged;
        KvOutput output;
        long returnTime;
        /** Where a node put this write in its log, if any node accepted it (index 0 if none). */
        long proposedIndex;
        long proposedTerm;
        /** The command bytes, made once: a leader finds a forwarded command's operation by identity. */
        byte[] command;
        /** What a read asks for (issue 11); LOCAL reads are checked for monotonicity, not linearizability. */
        io.raftkit.server.ReadConsistency consistency = io.raftkit.server.ReadConsistency.LINEARIZABLE;

        Op(SimClient client, long callTime, long opId, KvInput input) {
            this.client = client;
            this.callTime = callTime;
            this.opId = opId;
            this.input = input;
        }
    }

    final int id;
    /** The node this client believes leads. */
    String target;
    Op current;
    long opsStarted;
    /** This client's share of reads, or negative for the options' (a scenario's readers and writers). */
    double readFraction = -1;
    long opsAcknowledged;

    SimClient(int id, String target) {
        this.id = id;
        this.target = target;
    }
}
