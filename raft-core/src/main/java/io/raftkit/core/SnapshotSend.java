package io.raftkit.core;

import io.raftkit.spi.message.SnapshotChunk;
import java.util.Objects;

/**
 * A snapshot chunk the leader's core wants sent: which bytes of which snapshot to whom. The core
 * never holds snapshot bytes; the host reads {@code length} bytes at {@code offset} from its
 * snapshot store and sends {@link #toMessage(String, byte[])}.
 *
 * @param to       the follower
 * @param term     the leader's term
 * @param snapshot the snapshot being sent
 * @param offset   where the chunk starts
 * @param length   how many bytes it holds
 */
public record SnapshotSend(String to, long term, SnapshotInfo snapshot, long offset, int length) {

    public SnapshotSend {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(snapshot, "snapshot");
    }

    /** Whether this is the final chunk of the snapshot. */
    public boolean last() {
        return offset + length == snapshot.sizeBytes();
    }

    /** The message carrying {@code data} (the bytes read at {@link #offset()}), with its checksums. */
    public SnapshotChunk toMessage(String from, byte[] data) {
        if (data.length != length) {
            throw new IllegalArgumentException("chunk at " + offset + " should hold " + length + " bytes, got "
                    + data.length);
        }
        return new SnapshotChunk(from, to, term, snapshot.meta(), offset, data, last(), SnapshotChunk.crc32c(data),
                snapshot.sizeBytes(), snapshot.crc32c());
    }
}
