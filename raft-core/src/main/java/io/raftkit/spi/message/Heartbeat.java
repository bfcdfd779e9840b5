package io.raftkit.spi.message;

/**
 * A leader's heartbeat: asserts leadership and advances the follower's commit index.
 *
 * @param commit      the leader's commit index, capped at what the follower is known to match
 * @param readContext the latest ReadIndex round this heartbeat confirms, 0 if none
 */
public record Heartbeat(String from, String to, long term, long commit, long readContext)
        implements Message {
    @Override
    public Kind kind() {
        return Kind.HEARTBEAT;
    }
}
