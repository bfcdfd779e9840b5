package io.raftkit.server;

import io.raftkit.spi.ClusterConfig;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The address values of a {@link ClusterConfig}: {@code host:port} of the member's Raft
 * transport, optionally followed by {@code /} and an annotation of the application's own (the
 * ledger keeps its HTTP address there) which the runtime carries but never reads.
 */
final class MemberAddresses {

    private MemberAddresses() {
    }

    /** The value stored for a member: its Raft address, then {@code /annotation} if one is given. */
    static String format(InetSocketAddress raft, String annotation) {
        String value = raft.getHostString() + ":" + raft.getPort();
        if (annotation == null || annotation.isEmpty()) {
            return value;
        }
        return value + "/" + annotation;
    }

    /**
     * The Raft address in a value (unresolved: the transport resolves when it connects).
     *
     * @throws IllegalArgumentException if the value does not start with {@code host:port}
     */
    static InetSocketAddress raftAddress(String value) {
        int slash = value.indexOf('/');
        String hostPort = slash < 0 ? value : value.substring(0, slash);
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("member address \"" + value + "\" does not start with host:port");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member address \"" + value + "\" has no numeric port", e);
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("member address \"" + value + "\" has a port outside 1..65535");
        }
        return InetSocketAddress.createUnresolved(hostPort.substring(0, colon), port);
    }

    /**
     * Every member of {@code config} whose Raft address is known: from the configuration, else from
     * {@code known} (the builder's list), so the founding members, whose first configuration holds no
     * addresses, stay reachable. A value that does not parse is left out (and the member with it).
     */
    static Map<String, InetSocketAddress> of(ClusterConfig config, Map<String, InetSocketAddress> known) {
        Map<String, InetSocketAddress> result = new LinkedHashMap<>();
        for (String id : config.members()) {
            String value = config.addresses().get(id);
            InetSocketAddress address = null;
            if (value != null) {
                try {
                    address = raftAddress(value);
                } catch (IllegalArgumentException e) {
                    address = null;
                }
            }
            if (address == null) {
                address = known.get(id);
            }
            if (address != null) {
                result.put(id, address);
            }
        }
        return result;
    }
}
