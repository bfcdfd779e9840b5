package io.raftkit.it;

import io.raftkit.spi.StateMachine;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records every command it applies; a query answers how many it has applied. Thread-safe. */
final class RecordingStateMachine implements StateMachine {

    private final List<String> applied = new ArrayList<>();

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        applied.add(new String(command, StandardCharsets.UTF_8));
        return ByteBuffer.allocate(8).putLong(index).array();
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        return ByteBuffer.allocate(8).putLong(applied.size()).array();
    }

    synchronized int size() {
        return applied.size();
    }

    synchronized List<String> applied() {
        return List.copyOf(applied);
    }

    static long count(byte[] queryResult) {
        return ByteBuffer.wrap(queryResult).getLong();
    }
}
