package io.raftkit.core;

import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import io.raftkit.spi.message.Message;
import java.util.List;

/**
 * Everything the host must do for the core, in one batch. The host:
 * <ol>
 *   <li>sends {@link #messages()} at once (a leader's appends may leave before its own write
 *       is durable, thesis §10.2.1);</li>
 *   <li>writes {@link #hardState()} (if not null) and {@link #entries()} to its {@code LogStorage};</li>
 *   <li>applies {@link #committedEntries()} to the state machine, in order;</li>
 *   <li>serves {@link #readStates()} once the state machine has applied their index;</li>
 *   <li>calls {@link RaftNode#advance(Ready)};</li>
 *   <li>when this write and every earlier one is durable: sends {@link #persistedMessages()}
 *       (votes and acknowledgements: they promise durable state) — a message addressed to this
 *       node itself is given back to {@link RaftNode#step} — and calls
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
 */
public record Ready(SoftState softState, HardState hardState, List<Entry> entries,
                    List<Message> messages, List<Message> persistedMessages,
                    List<Entry> committedEntries, List<ReadState> readStates) {

    /** Whether the host must write anything to storage for this Ready. */
    public boolean needsWrite() {
        return hardState != null || !entries.isEmpty();
    }

    /** The last entry to persist, or null. */
    public Entry lastEntry() {
        return entries.isEmpty() ? null : entries.get(entries.size() - 1);
    }
}
