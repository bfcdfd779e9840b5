package io.raftkit.it;

import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Wraps a real transport and drops messages to and from the peers in {@code blocked}, in both
 * directions, so a test can cut a node off while its sockets stay up (a network partition as the
 * Raft layer sees it).
 */
final class PartitionableTransport implements Transport {

    private final Transport delegate;
    private final Set<String> blocked;

    PartitionableTransport(Transport delegate, Set<String> blocked) {
        this.delegate = delegate;
        this.blocked = blocked;
    }

    @Override
    public void start(TransportContext context, Consumer<Message> inbound) {
        delegate.start(context, m -> {
            if (!blocked.contains(m.from())) {
                inbound.accept(m);
            }
        });
    }

    @Override
    public void send(Message message) {
        if (!blocked.contains(message.to())) {
            delegate.send(message);
        }
    }

    @Override
    public void updateMembers(java.util.Map<String, java.net.InetSocketAddress> members) {
        delegate.updateMembers(members);
    }

    @Override
    public long maxMessageBytes() {
        return delegate.maxMessageBytes();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
