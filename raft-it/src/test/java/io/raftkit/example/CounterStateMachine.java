package io.raftkit.example;

// tag::state-machine[]
import io.raftkit.spi.StateMachine;
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
}
// end::state-machine[]
