package io.raftkit.it;

import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every command it applies; a query answers how many it has applied. Snapshots hold the
 * whole record, so a node restored from one still lists every command. Thread-safe.
 */
final class RecordingStateMachine implements StateMachine {

    private final List<String> applied = new ArrayList<>();
    private int restores;

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        applied.add(new String(command, StandardCharsets.UTF_8));
        return ByteBuffer.allocate(8).putLong(index).array();
    }

    @Override
    public synchronized byte[] query(byte[] query) {
        return ByteBuffer.allocate(8).putLong(applied.size()).array();
    }

    @Override
    public synchronized StateSnapshot captureSnapshot() {
        List<String> frozen = List.copyOf(applied);
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(frozen.size());
            for (String command : frozen) {
                byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
                data.writeInt(bytes.length);
                data.write(bytes);
            }
            data.flush();
        };
    }

    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = data.readInt();
        List<String> restored = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            restored.add(new String(data.readNBytes(data.readInt()), StandardCharsets.UTF_8));
        }
        synchronized (this) {
            applied.clear();
            applied.addAll(restored);
            restores++;
        }
    }

    synchronized int restores() {
        return restores;
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
