package io.raftkit.ledger;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Which web pages may call this node's API from the browser: only the dashboard as served by a
 * member of the same cluster. The page loaded from one member reads every member's state and,
 * when that member goes down, sends its transfers to another one; those are cross-origin requests
 * (another port is another origin). Any other site gets no CORS headers, so the browser keeps it
 * from reading answers or sending JSON to the ledger. The members are those in force, so a node
 * added at run time is allowed as soon as this node knows the change, and a removed one no longer.
 */
final class CorsPolicy {

    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final Supplier<List<Member>> members;
    /** The origins of the member list last seen: recomputed only when the list changes. */
    private volatile Known known = new Known(null, Set.of());

    private record Known(List<Member> members, Set<String> origins) {
    }

    private CorsPolicy(Supplier<List<Member>> members) {
        this.members = members;
    }

    /**
     * The origins of the members {@code members} gives at the time of each request (the
     * configuration in force). A loopback member is also reachable as {@code localhost} and
     * {@code [::1]}, so a page loaded as http://localhost:8081 may call http://127.0.0.1:8082.
     */
    static CorsPolicy forMembers(Supplier<List<Member>> members) {
        return new CorsPolicy(members);
    }

    private Set<String> origins() {
        List<Member> now = members.get();
        Known k = known;
        if (!now.equals(k.members())) {
            k = new Known(List.copyOf(now), originsOf(now));
            known = k; // a race recomputes the same set twice; never a wrong one
        }
        return k.origins();
    }

    private static Set<String> originsOf(List<Member> members) {
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
        return Set.copyOf(origins);
    }

    /** Whether a page from {@code origin} (the request's Origin header, may be null) may call this node. */
    boolean allows(String origin) {
        return origin != null && origins().contains(origin.toLowerCase(Locale.ROOT));
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
