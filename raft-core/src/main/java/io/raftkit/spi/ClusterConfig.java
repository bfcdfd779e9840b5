package io.raftkit.spi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership of the cluster: who votes, who only listens, where they are, and which cluster
 * this is. Quorums are always computed from a configuration, never from a fixed peer count, so
 * membership can change as data in the log.
 *
 * <p>During a joint-consensus transition {@code outgoingVoters} is the old voter set and a
 * decision needs a majority of both sets; otherwise it is empty.
 *
 * @param voters         the voters of the (incoming) configuration
 * @param outgoingVoters the voters of the outgoing configuration during a joint change, else empty
 * @param learners       non-voting members: they receive the log but never vote nor count for a
 *                       quorum; disjoint from both voter sets
 * @param addresses      member id to its Raft address ({@code "host:port"}); opaque to the core,
 *                       may lack entries
 * @param clusterId      the cluster's identity ({@link ClusterId}), "" when unknown
 */
public record ClusterConfig(Set<String> voters, Set<String> outgoingVoters, Set<String> learners,
                            Map<String, String> addresses, String clusterId) {

    /** No members; the configuration of a node that knows nothing yet. */
    public static final ClusterConfig EMPTY = new ClusterConfig(Set.of(), Set.of());

    /** Bound on the members or addresses a decoded configuration may hold (refuses garbage early). */
    private static final int MAX_MEMBERS = 10_000;

    public ClusterConfig {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters));
        outgoingVoters = Collections.unmodifiableSet(new TreeSet<>(outgoingVoters));
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        addresses = Collections.unmodifiableMap(new TreeMap<>(addresses));
        Objects.requireNonNull(clusterId, "clusterId");
        for (String l : learners) {
            if (voters.contains(l) || outgoingVoters.contains(l)) {
                throw new IllegalArgumentException("member " + l + " is both a learner and a voter");
            }
        }
    }

    /** A configuration without learners, addresses or cluster id (as written by earlier versions). */
    public ClusterConfig(Set<String> voters, Set<String> outgoingVoters) {
        this(voters, outgoingVoters, Set.of(), Map.of(), "");
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

    /** Every member: the voters of both halves and the learners. */
    public Set<String> members() {
        Set<String> all = new TreeSet<>(voters);
        all.addAll(outgoingVoters);
        all.addAll(learners);
        return Collections.unmodifiableSet(all);
    }

    /** Whether {@code id} votes in either half. */
    public boolean isVoter(String id) {
        return voters.contains(id) || outgoingVoters.contains(id);
    }

    /** Whether {@code id} is a learner. */
    public boolean isLearner(String id) {
        return learners.contains(id);
    }

    /** This configuration with another cluster id. */
    public ClusterConfig withClusterId(String id) {
        return new ClusterConfig(voters, outgoingVoters, learners, addresses, id);
    }

    /**
     * Encodes this configuration for a {@link EntryType#CONFIG} entry or a snapshot: the two voter
     * sets (the format of earlier versions), then the learners, the addresses and the cluster id.
     */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeSet(out, voters);
            writeSet(out, outgoingVoters);
            writeSet(out, learners);
            out.writeInt(addresses.size());
            for (var e : addresses.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeUTF(clusterId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes what {@link #encode()} produced, or the two-set format of earlier versions.
     *
     * @throws IllegalArgumentException if the bytes are not a valid configuration
     */
    public static ClusterConfig decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            Set<String> voters = readSet(in);
            Set<String> outgoing = readSet(in);
            if (in.available() == 0) {
                return new ClusterConfig(voters, outgoing); // written before learners existed
            }
            Set<String> learners = readSet(in);
            int n = in.readInt();
            if (n < 0 || n > MAX_MEMBERS) {
                throw new IOException("bad address count " + n);
            }
            Map<String, String> addresses = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                addresses.put(in.readUTF(), in.readUTF());
            }
            String clusterId = in.readUTF();
            if (in.available() != 0) {
                throw new IllegalArgumentException("trailing bytes after cluster configuration");
            }
            return new ClusterConfig(voters, outgoing, learners, addresses, clusterId);
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
        if (n < 0 || n > MAX_MEMBERS) {
            throw new IOException("bad member count " + n);
        }
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(in.readUTF());
        }
        return ids;
    }
}
