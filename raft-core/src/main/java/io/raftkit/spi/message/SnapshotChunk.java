package io.raftkit.spi.message;

import io.raftkit.spi.SnapshotMeta;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * One chunk of a snapshot sent by the leader to a follower that is too far behind
 * (InstallSnapshot, Raft §7). Chunks are sent in order of offset; the follower appends each one
 * that starts where the previous one ended and answers with the offset it wants next.
 *
 * @param meta           the snapshot's last index, term and configuration
 * @param offset         byte offset of {@code data} within the snapshot
 * @param data           the chunk's bytes (not copied)
 * @param last           whether this is the final chunk
 * @param chunkCrc32c    the CRC32C of {@code data}: a chunk that does not match is dropped
 * @param snapshotSize   the size of the whole snapshot in bytes
 * @param snapshotCrc32c the CRC32C of the whole snapshot, checked when the follower commits it
 */
public record SnapshotChunk(String from, String to, long term, SnapshotMeta meta, long offset,
                            byte[] data, boolean last, int chunkCrc32c, long snapshotSize,
                            int snapshotCrc32c) implements Message {

    public SnapshotChunk {
        Objects.requireNonNull(meta, "meta");
        data = data == null ? new byte[0] : data;
    }

    /**
     * A chunk whose checksum is computed from {@code data}, of a snapshot that ends with it when
     * {@code last} (size {@code offset + data.length}, whole-snapshot checksum 0): for tests.
     */
    public SnapshotChunk(String from, String to, long term, SnapshotMeta meta, long offset, byte[] data,
                         boolean last) {
        this(from, to, term, meta, offset, data, last, crc32c(data),
                offset + (data == null ? 0 : data.length), 0);
    }

    /** The CRC32C of {@code bytes}, as chunks carry it. */
    public static int crc32c(byte[] bytes) {
        if (bytes == null) {
            bytes = new byte[0];
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    /** Whether {@code data} matches {@link #chunkCrc32c()}. */
    public boolean checksumMatches() {
        return crc32c(data) == chunkCrc32c;
    }

    @Override
    public Kind kind() {
        return Kind.SNAPSHOT_CHUNK;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SnapshotChunk c && from.equals(c.from) && to.equals(c.to)
                && term == c.term && meta.equals(c.meta) && offset == c.offset
                && last == c.last && chunkCrc32c == c.chunkCrc32c && snapshotSize == c.snapshotSize
                && snapshotCrc32c == c.snapshotCrc32c && Arrays.equals(data, c.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, to, term, meta, offset, last, chunkCrc32c, snapshotSize, snapshotCrc32c) * 31
                + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "SnapshotChunk[" + from + "->" + to + " term=" + term + " " + meta + " offset="
                + offset + " " + data.length + "B of " + snapshotSize + " last=" + last + "]";
    }
}
