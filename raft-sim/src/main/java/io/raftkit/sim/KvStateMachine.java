package io.raftkit.sim;

import io.raftkit.spi.StateMachine;
import io.raftkit.spi.StateSnapshot;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The key-value state machine the simulator's clients use. A put carries a unique operation id,
 * so the state machine can tell if any command is applied twice (which would be a Raft bug: the
 * simulator never proposes one command twice).
 *
 * <p>Commands: {@code P\u0000key\u0000value\u0000opId}. Queries: {@code G\u0000key}; the answer
 * is the value, or empty bytes with a leading 0 byte for an absent key.
 *
 * <p>Snapshots hold the data and the operation ids applied (so exactly-once is still checked
 * across an installed snapshot); {@link #stateHash()} summarises both, so
 * the simulator can compare a restored replica with one that applied the same prefix.
 */
public final class KvStateMachine implements StateMachine {

    private static final String SEP = "\u0000";

    private final Map<String, String> data = new HashMap<>();
    private final Set<Long> appliedOps = new HashSet<>();
    private long lastApplied;
    private long duplicateOp = -1;
    /** Sum of the applied operation ids' hashes: an order-free digest kept as operations apply. */
    private long opsDigest;

    /** Encodes a put. */
    public static byte[] put(String key, String value, long opId) {
        return ("P" + SEP + key + SEP + value + SEP + opId).getBytes(StandardCharsets.UTF_8);
    }

    /** Encodes a get. */
    public static byte[] get(String key) {
        return ("G" + SEP + key).getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes a get's answer: the value, or null if absent. */
    public static String decodeValue(byte[] answer) {
        if (answer.length > 0 && answer[0] == 0) {
            return null;
        }
        return new String(answer, StandardCharsets.UTF_8);
    }

    /** The operation id carried by a put command. */
    public static long opId(byte[] command) {
        String[] parts = new String(command, StandardCharsets.UTF_8).split(SEP, -1);
        return Long.parseLong(parts[3]);
    }

    @Override
    public byte[] apply(long index, byte[] command) {
        String[] parts = new String(command, StandardCharsets.UTF_8).split(SEP, -1);
        if (!parts[0].equals("P") || parts.length != 4) {
            throw new IllegalArgumentException("not a put command: " + parts[0]);
        }
        long op = Long.parseLong(parts[3]);
        if (!appliedOps.add(op)) {
            if (duplicateOp < 0) {
                duplicateOp = op;
            }
        } else {
            opsDigest += Long.hashCode(op * 0x9E3779B97F4A7C15L);
        }
        data.put(parts[1], parts[2]);
        lastApplied = index;
        return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
        String[] parts = new String(query, StandardCharsets.UTF_8).split(SEP, -1);
        String v = data.get(parts[1]);
        return v == null ? new byte[] {0} : v.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long lastAppliedIndex() {
        return lastApplied;
    }

    /** Captures a frozen copy (the state is small); written later, on another thread. */
    @Override
    public StateSnapshot captureSnapshot() {
        Map<String, String> frozenData = new TreeMap<>(data);
        long[] ops = appliedOps.stream().mapToLong(Long::longValue).sorted().toArray();
        return out -> {
            DataOutputStream d = new DataOutputStream(out);
            d.writeInt(frozenData.size());
            for (var e : frozenData.entrySet()) {
                d.writeUTF(e.getKey());
                d.writeUTF(e.getValue());
            }
            d.writeInt(ops.length);
            for (long op : ops) {
                d.writeLong(op);
            }
            d.flush();
        };
    }

    @Override
    public void restoreSnapshot(InputStream in, long index) throws IOException {
        DataInputStream d = new DataInputStream(in);
        Map<String, String> newData = new HashMap<>();
        for (int i = d.readInt(); i > 0; i--) {
            newData.put(d.readUTF(), d.readUTF());
        }
        Set<Long> newOps = new HashSet<>();
        long digest = 0;
        for (int i = d.readInt(); i > 0; i--) {
            long op = d.readLong();
            newOps.add(op);
            digest += Long.hashCode(op * 0x9E3779B97F4A7C15L);
        }
        data.clear();
        data.putAll(newData);
        appliedOps.clear();
        appliedOps.addAll(newOps);
        opsDigest = digest;
        lastApplied = index;
    }

    /** A digest of the whole state (data and operations applied), to compare replicas. */
    public long stateHash() {
        return data.hashCode() * 31L + opsDigest;
    }

    /** Whether this operation's put was applied. */
    public boolean applied(long opId) {
        return appliedOps.contains(opId);
    }

    /** An operation applied twice, or -1 if none was. */
    public long duplicateOp() {
        return duplicateOp;
    }

    /** A copy of the current data, to compare replicas. */
    public Map<String, String> snapshot() {
        return Map.copyOf(data);
    }
}
