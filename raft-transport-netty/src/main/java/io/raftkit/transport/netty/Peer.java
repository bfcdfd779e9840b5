package io.raftkit.transport.netty;

import io.raftkit.spi.message.Message;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything this node keeps for one peer: a {@link PeerConnection} per {@link Lane}, each with
 * its own queue and TCP connection. Sending picks the lane from the message kind.
 */
final class Peer {

    private final Map<Lane, PeerConnection> lanes = new EnumMap<>(Lane.class);

    /** @param connect makes the connection of one lane */
    Peer(Function<Lane, PeerConnection> connect) {
        for (Lane lane : Lane.values()) {
            lanes.put(lane, connect.apply(lane));
        }
    }

    /** Queues the message on its lane; never blocks; from any thread. */
    void send(Message message) {
        lanes.get(Lane.of(message.kind())).send(message);
    }

    PeerConnection lane(Lane lane) {
        return lanes.get(lane);
    }

    void close() {
        lanes.values().forEach(PeerConnection::close);
    }
}
