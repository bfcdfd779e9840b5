package io.raftkit.ledger;

import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link Transport} that drops the messages a {@link NetworkCut} forbids, in both directions, and
 * hands everything else to the transport it wraps. This is how the local demo cuts a node off: the
 * connections stay up, so healing takes effect at the next message, and Raft sees exactly what a
 * partition looks like to it (lost messages), while the operating system is left alone.
 *
 * <p>Inbound messages are checked too, not only sends: a message already in flight (or queued in
 * the wrapped transport) when the cut is made is dropped on arrival, so the cut is immediate.
 */
final class CuttableTransport implements Transport {

    private final Transport inner;
    private final NetworkCut cut;
    private final AtomicLong dropped = new AtomicLong();
    private volatile String self;

    CuttableTransport(Transport inner, NetworkCut cut) {
        this.inner = inner;
        this.cut = cut;
    }

    @Override
    public void start(TransportContext context, Consumer<Message> inbound) {
        String me = context.nodeId();
        self = me;
        inner.start(context, m -> {
            if (cut.blocks(m.from(), me)) {
                dropped.incrementAndGet();
            } else {
                inbound.accept(m);
            }
        });
    }

    @Override
    public void send(Message message) {
        String me = self;
        if (me != null && cut.blocks(me, message.to())) {
            dropped.incrementAndGet();
            return;
        }
        inner.send(message);
    }

    @Override
    public void updateMembers(java.util.Map<String, java.net.InetSocketAddress> members) {
        inner.updateMembers(members);
    }

    @Override
    public long maxMessageBytes() {
        return inner.maxMessageBytes();
    }

    /** Messages dropped because of the cut, both directions. */
    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        inner.close();
    }
}
