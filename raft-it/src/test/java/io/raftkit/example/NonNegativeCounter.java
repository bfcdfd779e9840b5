package io.raftkit.example;

import io.raftkit.spi.StateMachine;
import java.nio.ByteBuffer;

/** A counter that never goes below zero: a command that would make it negative is rejected, with a result. */
public final class NonNegativeCounter implements StateMachine {

    /** The result of a rejected command: an empty array (a total is always 8 bytes). */
    static final byte[] REJECTED = new byte[0];

    private volatile long total;

    // tag::reject-with-a-result[]
    @Override
    public byte[] apply(long index, byte[] command) {
        long delta = ByteBuffer.wrap(command).getLong();
        if (total + delta < 0) {
            return REJECTED; // a result, the same on every node: nothing changed, the proposer is told
        }
        total += delta;
        return ByteBuffer.allocate(8).putLong(total).array();
    }
    // end::reject-with-a-result[]

    @Override
    public byte[] query(byte[] query) {
        return ByteBuffer.allocate(8).putLong(total).array();
    }
}
