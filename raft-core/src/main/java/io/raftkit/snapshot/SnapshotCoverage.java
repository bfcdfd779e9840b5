package io.raftkit.snapshot;

import io.raftkit.spi.SnapshotStore;
import io.raftkit.spi.StoredSnapshot;

/**
 * The start-up check that a node's snapshot store covers its log: the log holds entries from
 * {@code compactedIndex + 1}, so the store must hold a snapshot at {@code compactedIndex} or later.
 * The runtime calls it with {@code LogStorage.snapshotMeta().index()} before it restores or applies
 * anything. It works with every {@link SnapshotStore}; with a {@link FileSnapshotStore} the failure
 * names the snapshot files it rejected at open.
 */
public final class SnapshotCoverage {

    private SnapshotCoverage() {
    }

    /**
     * Checks that {@code store} holds a snapshot at or past {@code compactedIndex}.
     *
     * @throws MissingSnapshotException if it does not, saying which snapshot it has and, for a file
     *                                  store, which files it rejected and why
     */
    public static void require(SnapshotStore store, long compactedIndex) throws MissingSnapshotException {
        long latest = store.latest().map(StoredSnapshot::meta).map(m -> m.index()).orElse(0L);
        if (compactedIndex == 0 || latest >= compactedIndex) {
            return;
        }
        StringBuilder message = new StringBuilder("refusing to start: the log was compacted through index ")
                .append(compactedIndex).append(" but the newest usable snapshot in ").append(store)
                .append(latest == 0 ? " is none" : " is at index " + latest)
                .append("; the state machine's state up to index ").append(compactedIndex)
                .append(" is not on this node.");
        if (store instanceof FileSnapshotStore files && !files.rejected().isEmpty()) {
            message.append(" Rejected snapshot files:");
            for (RejectedSnapshot r : files.rejected()) {
                message.append(' ').append(r.reason()).append(';');
            }
        }
        message.append(" Restore the snapshot directory from a backup, or wipe this node's data and let it rejoin "
                + "through InstallSnapshot.");
        throw new MissingSnapshotException(compactedIndex, latest, message.toString());
    }
}
