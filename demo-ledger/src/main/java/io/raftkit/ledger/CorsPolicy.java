package io.raftkit.ledger;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which web pages may call this node's API from the browser: only the dashboard as served by a
 * member of the same cluster. The page loaded from one member reads every member's state and,
 * when that member goes down, sends its transfers to another one; those are cross-origin requests
 * (another port is another origin). Any other site gets no CORS headers, so the browser keeps it
 * from reading answers or sending JSON to the ledger.
 */
final class CorsPolicy {

    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final Set<String> origins;

    private CorsPolicy(Set<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /**
     * The origins of every member's HTTP address. A loopback member is also reachable as
     * {@code localhost} and {@code [::1]}, so a page loaded as http://localhost:8081 may call
     * http://127.0.0.1:8082.
     */
    static CorsPolicy forMembers(List<Member> members) {
        Set<String> origins = new HashSet<>();
        for (Member m : members) {
            InetSocketAddress a = m.httpAddress();
            String host = a.getHostString().toLowerCase(Locale.ROOT);
            if (LOOPBACK_NAMES.contains(host)) {
                origins.add("http://127.0.0.1:" + a.getPort());
                origins.add("http://localhost:" + a.getPort());
                origins.add("http://[::1]:" + a.getPort());
            } else {
                origins.add("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
            }
        }
        return new CorsPolicy(origins);
    }

    /** Whether a page from {@code origin} (the request's Origin header, may be null) may call this node. */
    boolean allows(String origin) {
        return origin != null && origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    /** The headers for an answer to a request from {@code origin}; none unless it is allowed. */
    Map<String, String> headers(String origin) {
        if (!allows(origin)) {
            return Map.of();
        }
        return Map.of("Access-Control-Allow-Origin", origin,
                "Access-Control-Expose-Headers", LedgerHttpHandler.RAFT_LEADER,
                "Vary", "Origin");
    }

    /** The headers for an answer to a preflight request ({@code OPTIONS}) from an allowed origin. */
    Map<String, String> preflightHeaders(String origin) {
        if (!allows(origin)) {
            return Map.of();
        }
        return Map.of("Access-Control-Allow-Origin", origin,
                "Access-Control-Allow-Methods", "GET, POST",
                "Access-Control-Allow-Headers", "Content-Type",
                "Access-Control-Max-Age", "600",
                "Vary", "Origin");
    }
}
