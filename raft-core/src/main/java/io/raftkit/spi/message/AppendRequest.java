package io.raftkit.spi.message;

import io.raftkit.spi.Entry;
import java.util.List;

/**
 * AppendEntries (Raft §5.3): entries following {@code prevLogIndex}, and the leader's commit index.
 *
 * @param prevLogIndex index of the entry just before {@code entries}
 * @param prevLogTerm  term of that entry
 * @param entries      the entries to append (unmodifiable; payloads are shared, not copied)
 * @param leaderCommit the leader's commit index
 */
public record AppendRequest(String from, String to, long term, long prevLogIndex, long prevLogTerm,
                            List<Entry> entries, long leaderCommit) implements Message {

    public AppendRequest {
        entries = List.copyOf(entries);
    }

    @Override
    public Kind kind() {
        return Kind.APPEND_REQUEST;
    }

    /** Index of the last entry carried, or {@code prevLogIndex} if none. */
    public long lastIndex() {
        return prevLogIndex + entries.size();
    }
}
