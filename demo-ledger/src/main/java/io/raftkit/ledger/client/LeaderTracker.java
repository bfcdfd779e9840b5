package io.raftkit.ledger.client;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which node to send the next request to: the leader when one is known (from a {@code Raft-Leader}
 * header or {@code /cluster}), otherwise the configured servers in turn. Thread-safe; shared by
 * every call of one client.
 */
final class LeaderTracker {

    private final List<URI> seeds;
    private final Map<String, URI> memberUrls = new ConcurrentHashMap<>();
    private final AtomicInteger nextSeed = new AtomicInteger();
    private volatile URI leader;

    LeaderTracker(List<URI> seeds) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("servers: at least one URL is needed");
        }
        this.seeds = List.copyOf(seeds);
    }

    List<URI> seeds() {
        return seeds;
    }

    /** The leader if known, else the next server in turn. */
    URI target() {
        URI known = leader;
        return known != null ? known : nextSeed();
    }

    URI nextSeed() {
        return seeds.get(Math.floorMod(nextSeed.getAndIncrement(), seeds.size()));
    }

    /** Number of distinct servers, to know when a round over all of them has failed. */
    int size() {
        return seeds.size();
    }

    /** The request to {@code node} failed at the connection level: stop sending there first. */
    void failed(URI node) {
        if (node.equals(leader)) {
            leader = null;
        }
    }

    /**
     * The {@code Raft-Leader} header of a response: a node id (resolved through the member list),
     * or an address. Returns true when the id is not yet resolvable, so the caller may fetch the
     * member list.
     */
    boolean leaderHeader(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String trimmed = value.trim();
        URI resolved = memberUrls.get(trimmed);
        if (resolved == null && trimmed.contains(":")) {
            resolved = toUrl(trimmed);
        }
        if (resolved == null) {
            return true;
        }
        leader = resolved;
        return false;
    }

    /** Learns every member's HTTP address from a {@code /cluster} answer. */
    void members(ClusterStatus status) {
        for (ClusterStatus.Member m : status.members()) {
            if (m.httpAddress() != null && !m.httpAddress().isBlank()) {
                memberUrls.put(m.id(), toUrl(m.httpAddress()));
            }
        }
        if (status.leaderId() != null) {
            URI resolved = memberUrls.get(status.leaderId());
            if (resolved != null) {
                leader = resolved;
            }
        }
    }

    /** {@code host:port}, {@code /ip:port} (InetSocketAddress's form) or a URL, as a base URL. */
    static URI toUrl(String address) {
        if (address.startsWith("http://") || address.startsWith("https://")) {
            return URI.create(address);
        }
        int slash = address.lastIndexOf('/');
        return URI.create("http://" + (slash >= 0 ? address.substring(slash + 1) : address));
    }

    URI leader() {
        return leader;
    }
}
