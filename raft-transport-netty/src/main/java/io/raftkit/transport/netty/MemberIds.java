package io.raftkit.transport.netty;

import java.util.Collection;
import java.util.Set;

/**
 * Who may connect to this node: the member ids the transport was started with, replaced as a whole
 * when the configuration changes. Read by every accepted connection's handshake and by the inbound
 * path, written by {@link NettyTransport#updateMembers}; a volatile immutable set, so a reader sees
 * one configuration or the next, never a mix.
 */
final class MemberIds {

    private volatile Set<String> ids;

    MemberIds(Collection<String> initial) {
        this.ids = Set.copyOf(initial);
    }

    boolean contains(String id) {
        return ids.contains(id);
    }

    Set<String> get() {
        return ids;
    }

    void set(Collection<String> current) {
        this.ids = Set.copyOf(current);
    }
}
