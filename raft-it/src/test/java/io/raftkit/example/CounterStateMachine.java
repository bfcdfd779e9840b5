package io.raftkit.example;

// tag::state-machine[]
import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** A replicated counter: a command adds a number, a query reads the total. */
public final class CounterStateMachine implements StateMachine {

    private volatile long total; // written by the apply thread only, read by queries

    @Override
    public byte[] apply(long index, byte[] command) {
        long delta = ByteBuffer.wrap(command).getLong();
        total += delta;
        return ByteBuffer.allocate(8).putLong(total).array(); // the proposer's result
    }

    @Override
    public byte[] query(byte[] query) {
        return ByteBuffer.allocate(8).putLong(total).array();
    }

    /** Called on the apply thread: capture the state (here one number) and return at once. */
    @Override
    public StateSnapshot captureSnapshot() {
        long captured = total;
        return out -> out.write(ByteBuffer.allocate(8).putLong(captured).array()); // on another thread
    }

    /** Replaces the state with a snapshot: from the leader, or at start from this node's own. */
    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        total = ByteBuffer.wrap(in.readNBytes(8)).getLong();
    }
}
// end::state-machine[]
