package io.raftkit.core;

import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.SnapshotChunk;
import java.util.List;

/**
 * Everything the host must do for the core, in one batch. The host:
 * <ol>
 *   <li>sends {@link #messages()} at once (a leader's appends may leave before its own write
 *       is durable, thesis §10.2.1), and the {@link #snapshotSends()} with their bytes read from
 *       its snapshot store;</li>
 *   <li>if {@link #snapshot()} is not null, compacts its {@code LogStorage} to it (a snapshot
 *       received from the leader and already committed to the snapshot store: the log is reset
 *       to it), then writes {@link #hardState()} (if not null) and {@link #entries()};</li>
 *   <li>if {@link #snapshot()} is not null, restores the state machine from it, then applies
 *       {@link #committedEntries()}, in order;</li>
 *   <li>serves {@link #readStates()} once the state machine has applied their index;</li>
 *   <li>calls {@link RaftNode#advance(Ready)};</li>
 *   <li>appends the {@link #snapshotChunks()} received to its open snapshot sink (the first one,
 *       at offset 0, opens a new sink, discarding a partial one); after the last one, commits the
 *       sink with the chunk's whole-snapshot checksum and reports the outcome with
 *       {@link RaftNode#snapshotReceived} or {@link RaftNode#snapshotReceiveFailed};</li>
 *   <li>when this write and every earlier one is durable: sends {@link #persistedMessages()}
 *       (votes and acknowledgements: they promise durable state) — a message addressed to this
 *       node itself is given back to {@link RaftNode#step} — and calls
 *       {@link RaftNode#persistedSnapshot} for the snapshot and
 *       {@link RaftNode#persisted(long, long)} with the last entry written, if any.</li>
 * </ol>
 *
 * @param softState         role, leader and term, or null if unchanged since the last Ready
 * @param hardState         term, vote and commit to persist, or null if unchanged
 * @param entries           entries to append to storage (replacing any suffix from the first one)
 * @param messages          messages to send now
 * @param persistedMessages messages to send only once this Ready's writes (and all earlier) are durable
 * @param committedEntries  committed, durable entries to apply, in order
 * @param readStates        ReadIndex reads that are now safe
 * @param snapshot          a snapshot to install (compact the log to it, restore the state machine), or null
 * @param snapshotSends     snapshot chunks to read from the snapshot store and send now
 * @param snapshotChunks    snapshot chunks received in order, to append to the snapshot sink
 */
public record Ready(SoftState softState, HardState hardState, List<Entry> entries,
                    List<Message> messages, List<Message> persistedMessages,
                    List<Entry> committedEntries, List<ReadState> readStates,
                    SnapshotMeta snapshot, List<SnapshotSend> snapshotSends, List<SnapshotChunk> snapshotChunks) {

    /** A Ready without snapshot work. */
    public Ready(SoftState softState, HardState hardState, List<Entry> entries, List<Message> messages,
                 List<Message> persistedMessages, List<Entry> committedEntries, List<ReadState> readStates) {
        this(softState, hardState, entries, messages, persistedMessages, committedEntries, readStates, null,
                List.of(), List.of());
    }

    /** Whether the host must write anything to storage for this Ready. */
    public boolean needsWrite() {
        return hardState != null || !entries.isEmpty() || snapshot != null;
    }

    /** The last entry to persist, or null. */
    public Entry lastEntry() {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }
}
