package io.raftkit.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The membership of the cluster: who votes. Quorums are always computed from a configuration,
 * never from a fixed peer count, so membership can change as data in the log.
 *
 * <p>During a joint-consensus transition {@code outgoingVoters} is the old voter set and a
 * decision needs a majority of both sets; otherwise it is empty.
 *
 * @param voters         the voters of the (incoming) configuration
 * @param outgoingVoters the voters of the outgoing configuration during a joint change, else empty
 */
public record ClusterConfig(Set<String> voters, Set<String> outgoingVoters) {

    /** No members; the configuration of a node that knows nothing yet. */
    public static final ClusterConfig EMPTY = new ClusterConfig(Set.of(), Set.of());

    public ClusterConfig {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        outgoingVoters = Collections.unmodifiableSet(new TreeSet<>(outgoingVoters));
    }

    /** A simple (non-joint) configuration of the given voters. */
    public static ClusterConfig of(Collection<String> voters) {
        return new ClusterConfig(Set.copyOf(voters), Set.of());
    }

    /** A simple configuration of the given voters. */
    public static ClusterConfig of(String... voters) {
        return of(Set.of(voters));
    }

    /** Whether this is a joint configuration. */
    public boolean isJoint() {
        return !outgoingVoters.isEmpty();
    }

    /** Every node that votes in either half. */
    public Set<String> allVoters() {
        Set<String> all = new TreeSet<>(voters);
        all.addAll(outgoingVoters);
        return Collections.unmodifiableSet(all);
    }

    /** Encodes this configuration for a {@link EntryType#CONFIG} entry or a snapshot. */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeSet(out, voters);
            writeSet(out, outgoingVoters);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode()} produced.
     *
     * @throws IllegalArgumentException if the bytes are not a valid configuration
     */
    public static ClusterConfig decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            Set<String> voters = readSet(in);
            Set<String> outgoing = readSet(in);
            if (in.available() != 0) {
                throw new IllegalArgumentException("trailing bytes after cluster configuration");
            }
            return new ClusterConfig(voters, outgoing);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed cluster configuration", e);
        }
    }

    private static void writeSet(DataOutputStream out, Set<String> ids) throws IOException {
        out.writeInt(ids.size());
        for (String id : ids) {
            out.writeUTF(id);
        }
    }

    private static Set<String> readSet(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IOException("bad member count " + n);
        }
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
        }
        return ids;
    }
}
