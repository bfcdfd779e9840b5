package io.raftkit.spi.message;

/**
 * Answer to a {@link Heartbeat}, echoing its read context so the leader can confirm ReadIndex rounds.
 */
public record HeartbeatResponse(String from, String to, long term, long readContext)
        implements Message {
    @Override
    public Kind kind() {
        return Kind.HEARTBEAT_RESPONSE;
    }
}
