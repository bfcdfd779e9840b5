package io.raftkit.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Derives a cluster's identity from its name and its founding members, as etcd derives its
 * cluster id from the initial cluster: two nodes started with the same name but different member
 * lists would each write a different first configuration entry at the same index and term, so
 * they must not be able to talk to each other.
 */
public final class ClusterId {

    /** Hex digits of the digest kept in the id: 64 bits, plenty to tell a handful of lists apart. */
    private static final int HASH_CHARS = 16;

    private ClusterId() {
    }

    /**
     * The cluster id {@code <name>-<hash>}, where the hash covers the name and the member ids in
     * sorted order (so the order they were listed in does not matter). Addresses are left out: a
     * member that moves keeps its identity.
     *
     * @param name      the cluster's name, e.g. {@code "ledger-prod"}
     * @param memberIds the founding members' ids
     * @throws IllegalArgumentException if the name is blank or there are no members
     */
    public static String derive(String name, Collection<String> memberIds) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("cluster name must not be blank");
        }
        Objects.requireNonNull(memberIds, "memberIds");
        if (memberIds.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one member");
        }
        MessageDigest sha256 = sha256();
        // Each part is length-prefixed so ("a,b") and ("a", "b") cannot collide.
        update(sha256, name);
        for (String id : new TreeSet<>(memberIds)) {
            update(sha256, id);
        }
        String hash = HexFormat.of().formatHex(sha256.digest()).substring(0, HASH_CHARS);
        return name + "-" + hash;
    }

    private static void update(MessageDigest digest, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        digest.update(new byte[] {
            (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8), (byte) bytes.length});
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
