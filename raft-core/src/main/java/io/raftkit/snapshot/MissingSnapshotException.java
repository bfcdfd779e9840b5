package io.raftkit.snapshot;

import java.io.IOException;

/**
 * The log was compacted through an index that no usable snapshot covers: the state up to the
 * log's first entry is not on this node. Starting anyway would apply the log after the
 * compaction point onto an empty or older state and diverge from the other replicas, so the
 * node must not start; restore its snapshot directory, or wipe the node and let it rejoin
 * through InstallSnapshot.
 */
public class MissingSnapshotException extends IOException {

    private final long compactedIndex;
    private final long latestIndex;

    public MissingSnapshotException(long compactedIndex, long latestIndex, String message) {
        super(message);
        this.compactedIndex = compactedIndex;
        this.latestIndex = latestIndex;
    }

    /** The index through which the log was compacted. */
    public long compactedIndex() {
        return compactedIndex;
    }

    /** The index of the newest usable snapshot, 0 if there is none. */
    public long latestIndex() {
        return latestIndex;
    }
}
