package io.raftkit.ledger;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One member of the ledger cluster: its id, the address its Raft transport listens on and the
 * address its HTTP API listens on.
 */
public record Member(String id, InetSocketAddress raftAddress, InetSocketAddress httpAddress) {

    public Member {
        if (!Ids.isValidAccountId(id)) {
            throw new IllegalArgumentException("member id \"" + id + "\" must be 1 to 64 characters of [A-Za-z0-9_.-]");
        }
        Objects.requireNonNull(raftAddress, "raftAddress");
        Objects.requireNonNull(httpAddress, "httpAddress");
    }

    /**
     * Parses {@code n1=127.0.0.1:7001/127.0.0.1:8081,n2=...}: each member is
     * {@code id=raftHost:port/httpHost:port}.
     *
     * @throws IllegalArgumentException naming the bad member and why
     */
    public static List<Member> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the member list is empty; expected id=raftHost:port/httpHost:port,...");
        }
        List<Member> members = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String part : text.split(",", -1)) {
            Member m = parseOne(part.trim());
            if (!ids.add(m.id())) {
                throw new IllegalArgumentException("member id " + m.id() + " appears twice in \"" + text + "\"");
            }
            members.add(m);
        }
        return List.copyOf(members);
    }

    private static Member parseOne(String part) {
        String expected = "; expected id=raftHost:port/httpHost:port, e.g. n1=127.0.0.1:7001/127.0.0.1:8081";
        int eq = part.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("member \"" + part + "\" has no id" + expected);
        }
        String id = part.substring(0, eq);
        String[] addresses = part.substring(eq + 1).split("/", -1);
        if (addresses.length != 2) {
            throw new IllegalArgumentException("member \"" + part + "\" needs two addresses separated by '/'" + expected);
        }
        try {
            return new Member(id, parseAddress(addresses[0]), parseAddress(addresses[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("member \"" + part + "\": " + e.getMessage() + expected, e);
        }
    }

    private static InetSocketAddress parseAddress(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("address \"" + text + "\" is not host:port");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port of \"" + text + "\" is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port of \"" + text + "\" is not in 1..65535");
        }
        // unresolved: parsing must not do DNS; the transport resolves when it connects
        return InetSocketAddress.createUnresolved(host, port);
    }
}
