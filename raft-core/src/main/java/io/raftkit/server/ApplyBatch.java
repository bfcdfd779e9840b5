package io.raftkit.server;

import io.raftkit.spi.Entry;
import io.raftkit.spi.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * What one loop turn hands to the apply thread. The apply thread handles the parts in this order:
 * committed entries (completing the proposals they carry), then a loss of leadership (failing the
 * proposals still pending, whose outcome is now unknown), then the proposals made in this turn,
 * then reads. Within one turn a loss of leadership always happens before any proposal of that turn
 * is made, so this order is the order in which things happened. Leader changes do not go this way:
 * listeners are told on their own thread, not behind the apply backlog.
 */
final class ApplyBatch {

    /** A snapshot from the leader to restore before the committed entries, or null. */
    SnapshotMeta restore;
    final List<Entry> committed = new ArrayList<>();
    final List<Proposal> proposed = new ArrayList<>();
    final List<ReadRequest> reads = new ArrayList<>();
    boolean leadershipLost;
    String newLeader;
    /** Why leadership is being given up, when this leader gives it up itself (else null). */
    String stepAwayReason;

    boolean isEmpty() {
        return committed.isEmpty() && proposed.isEmpty() && reads.isEmpty() && !leadershipLost && restore == null;
    }
}
