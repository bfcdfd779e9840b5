package io.raftkit.spi;

/** What an {@link Entry}'s payload holds. The ordinal values are part of the disk and wire formats. */
public enum EntryType {
    /** A user command, applied to the {@link StateMachine}. */
    COMMAND,
    /** An empty entry a leader appends when elected; never given to the state machine. */
    NOOP,
    /** An encoded {@link ClusterConfig}; takes effect as soon as it is appended. */
    CONFIG
}
