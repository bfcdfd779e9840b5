package io.raftkit.server;

import io.raftkit.spi.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * What one loop turn hands to the apply thread. The apply thread handles the parts in this order:
 * committed entries (completing the proposals they carry), then a loss of leadership (failing the
 * proposals still pending, whose outcome is now unknown), then the proposals made in this turn,
 * then reads, then leader notifications. Within one turn a loss of leadership always happens
 * before any proposal of that turn is made, so this order is the order in which things happened.
 */
final class ApplyBatch {

    record LeaderChange(String leaderId, long term, boolean isSelf) {
    }

    final List<Entry> committed = new ArrayList<>();
    final List<Proposal> proposed = new ArrayList<>();
    final List<ReadRequest> reads = new ArrayList<>();
    final List<LeaderChange> leaderChanges = new ArrayList<>(0);
    boolean leadershipLost;
    String newLeader;

    boolean isEmpty() {
        return committed.isEmpty() && proposed.isEmpty() && reads.isEmpty() && leaderChanges.isEmpty()
                && !leadershipLost;
    }
}
