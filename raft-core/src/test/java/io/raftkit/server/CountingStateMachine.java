package io.raftkit.server;

import io.raftkit.spi.StateMachine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test state machine: records every command it applies (as a string), returns
 * "index:command", answers a query with the number of commands applied. It can pretend to be
 * durable: {@link #lastAppliedIndex()} then reports the last index applied.
 */
final class CountingStateMachine implements StateMachine {

    private final List<String> applied = new ArrayList<>();
    private final List<Long> indexes = new ArrayList<>();
    volatile long lastApplied;
    final boolean durable;
    volatile Runnable beforeApply = () -> { };
    /** Commands for which apply throws, as a buggy state machine would. */
    volatile java.util.function.Predicate<String> throwFor = c -> false;

    CountingStateMachine() {
        this(false, 0);
    }

    CountingStateMachine(boolean durable, long lastApplied) {
        this.durable = durable;
        this.lastApplied = lastApplied;
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        beforeApply.run();
        String c = new String(command, StandardCharsets.UTF_8);
        if (throwFor.test(c)) {
            throw new IllegalStateException("cannot apply " + c);
        }
        synchronized (this) {
            applied.add(c);
            indexes.add(index);
        }
        lastApplied = index;
        return (index + ":" + c).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] query) {
        return ByteBuffer.allocate(8).putLong(size()).array();
    }

    synchronized int size() {
        return applied.size();
    }

    /** A copy of the commands applied so far. */
    synchronized List<String> applied() {
        return List.copyOf(applied);
    }

    /** A copy of the indexes applied so far. */
    synchronized List<Long> indexes() {
        return List.copyOf(indexes);
    }

    @Override
    public long lastAppliedIndex() {
        return durable ? lastApplied : 0;
    }

    static long count(byte[] queryResult) {
        return ByteBuffer.wrap(queryResult).getLong();
    }
}
