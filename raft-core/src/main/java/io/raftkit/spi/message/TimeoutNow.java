package io.raftkit.spi.message;

/**
 * Leadership transfer (thesis §3.10): the leader tells an up-to-date follower to start an
 * election at once.
 */
public record TimeoutNow(String from, String to, long term) implements Message {
    @Override
    public Kind kind() {
        return Kind.TIMEOUT_NOW;
    }
}
