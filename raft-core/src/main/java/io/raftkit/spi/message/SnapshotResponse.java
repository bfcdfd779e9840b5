package io.raftkit.spi.message;

/**
 * Answer to a {@link SnapshotChunk}.
 *
 * @param snapshotIndex the index of the snapshot being installed
 * @param nextOffset    the byte offset the follower expects next
 * @param done          true once the whole snapshot is installed and durable
 * @param rejected      true if the follower refused the chunk (the leader restarts the transfer)
 */
public record SnapshotResponse(String from, String to, long term, long snapshotIndex,
                               long nextOffset, boolean done, boolean rejected) implements Message {
    @Override
    public Kind kind() {
        return Kind.SNAPSHOT_RESPONSE;
    }
}
