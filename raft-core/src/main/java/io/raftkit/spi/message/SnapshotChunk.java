package io.raftkit.spi.message;

import io.raftkit.spi.SnapshotMeta;
import java.util.Arrays;
import java.util.Objects;

/**
 * One chunk of a snapshot sent by the leader to a follower that is too far behind
 * (InstallSnapshot, Raft §7).
 *
 * @param meta   the snapshot's last index, term and configuration
 * @param offset byte offset of {@code data} within the snapshot
 * @param data   the chunk's bytes (not copied)
 * @param last   whether this is the final chunk
 */
public record SnapshotChunk(String from, String to, long term, SnapshotMeta meta, long offset,
                            byte[] data, boolean last) implements Message {

    public SnapshotChunk {
        Objects.requireNonNull(meta, "meta");
        data = data == null ? new byte[0] : data;
    }

    @Override
    public Kind kind() {
        return Kind.SNAPSHOT_CHUNK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotChunk c && from.equals(c.from) && to.equals(c.to)
                && term == c.term && meta.equals(c.meta) && offset == c.offset
                && last == c.last && Arrays.equals(data, c.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to, term, meta, offset, last) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SnapshotChunk[" + from + "->" + to + " term=" + term + " " + meta + " offset="
                + offset + " " + data.length + "B last=" + last + "]";
    }
}
