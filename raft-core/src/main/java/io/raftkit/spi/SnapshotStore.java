package io.raftkit.spi;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a node keeps its snapshots: the state machine's state at some log index, with that
 * index's term and cluster configuration ({@link SnapshotMeta}).
 *
 * <h2>Durability and atomicity</h2>
 * A snapshot becomes visible ({@link #latest()}) only when {@link SnapshotSink#commit} returns:
 * its bytes and metadata are then durable, checksummed (CRC32C over the whole) and in place by
 * an atomic switch. A crash at any moment before that leaves the previous snapshot as the
 * latest; a partial or corrupt snapshot never replaces a complete one. After a commit, older
 * snapshots may be deleted.
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread; at most one sink is open at a time per store
 * (the runtime takes or receives one snapshot at a time), and a sink is used by one thread at a time.
 */
public interface SnapshotStore extends AutoCloseable {

    /**
     * The newest complete snapshot, if any. Its checksum is verified when its bytes are read.
     *
     * @return the newest committed snapshot, or empty if none was ever committed
     */
    Optional<StoredSnapshot> latest();

    /**
     * Begins a new snapshot. Nothing changes until {@link SnapshotSink#commit}; closing the sink
     * without committing discards it.
     *
     * @param meta the index, term and configuration of the state that will be written
     * @return a sink to write the snapshot's bytes to, in order
     * @throws IOException if the store cannot create it (a full disk, say)
     */
    SnapshotSink begin(SnapshotMeta meta) throws IOException;

    /** Closes the store; an open sink is discarded. Idempotent. */
    @Override
    void close();
}
