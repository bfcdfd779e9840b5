package io.raftkit.server;

import io.raftkit.spi.Transport;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.Message;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A tiny in-process network for the runtime's unit tests: a map from node id to its inbound
 * handler, delivering on the sender's thread (the handler only enqueues), with isolation.
 */
final class TestNetwork {

    private final Map<String, Consumer<Message>> handlers = new ConcurrentHashMap<>();
    private final Set<String> isolated = ConcurrentHashMap.newKeySet();

    Transport transport(String id) {
        return new Transport() {
            private volatile boolean closed;

            @Override
            public void start(TransportContext context, Consumer<Message> inbound) {
                handlers.put(id, inbound);
            }

            @Override
            public void send(Message m) {
                if (closed || isolated.contains(m.from()) || isolated.contains(m.to())) {
                    return;
                }
                Consumer<Message> h = handlers.get(m.to());
                if (h != null) {
                    h.accept(m);
                }
            }

            @Override
            public long maxMessageBytes() {
                return Long.MAX_VALUE;
            }

            @Override
            public void close() {
                closed = true;
                handlers.remove(id);
            }
        };
    }

    /** Whether node {@code id}'s transport is started and not closed. */
    boolean isAttached(String id) {
        return handlers.containsKey(id);
    }

    void isolate(String id) {
        isolated.add(id);
    }

    void heal() {
        isolated.clear();
    }
}
