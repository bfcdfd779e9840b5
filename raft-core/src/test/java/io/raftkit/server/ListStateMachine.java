package io.raftkit.server;

import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A volatile test state machine with snapshots: the list of commands applied; a snapshot is a
 * frozen copy of the list, written as length-prefixed strings.
 */
final class ListStateMachine implements StateMachine {

    private List<String> applied = new ArrayList<>();
    volatile long lastApplied;
    volatile int restores;
    volatile long restoredAt;
    /** Thrown by captureSnapshot when set (a state machine that cannot capture right now). */
    volatile IOException failCapture;

    @Override
    public synchronized byte[] apply(long index, byte[] command) {
        applied.add(new String(command, StandardCharsets.UTF_8));
        lastApplied = index;
        return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
        return new byte[0];
    }

    @Override
    public synchronized StateSnapshot captureSnapshot() throws IOException {
        if (failCapture != null) {
            throw failCapture;
        }
        List<String> frozen = List.copyOf(applied);
        return out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeInt(frozen.size());
            for (String s : frozen) {
                data.writeUTF(s);
            }
            data.flush();
        };
    }

    @Override
    public synchronized void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int n = data.readInt();
        List<String> restored = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            restored.add(data.readUTF());
        }
        applied = restored;
        lastApplied = index;
        restoredAt = index;
        restores++;
    }

    synchronized List<String> applied() {
        return List.copyOf(applied);
    }
}
