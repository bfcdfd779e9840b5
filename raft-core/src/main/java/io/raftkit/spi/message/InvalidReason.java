package io.raftkit.spi.message;

import java.util.Locale;

/**
 * Why a message was dropped as invalid. The first group is found by
 * {@link MessageValidator} from the message alone (or with the receiver's id and membership);
 * the second by the core, from the message and the receiver's log: such a message is well formed
 * but no correct peer can have sent it.
 */
public enum InvalidReason {
    /** The sender id is null or empty. */
    EMPTY_SENDER,
    /** The recipient id is null or empty. */
    EMPTY_RECIPIENT,
    /** Sender and recipient are the same node (only a node's own vote may be). */
    SENDER_IS_RECIPIENT,
    /** The term is negative, too large, or 0 where a sender must have campaigned or led. */
    TERM_OUT_OF_RANGE,
    /** An index, commit index, read context or byte offset is negative or too large. */
    INDEX_OUT_OF_RANGE,
    /** A log term carried by the message (previous, last, entry, hint, snapshot) is above its term. */
    LOG_TERM_ABOVE_TERM,
    /** Index 0 (the empty log) is said to have a term other than 0. */
    TERM_AT_INDEX_ZERO,
    /** The entries are not contiguous or do not start right after the previous index. */
    ENTRIES_NOT_CONTIGUOUS,
    /** Entry terms go down, or the first is below the previous entry's term. */
    ENTRY_TERMS_DECREASING,
    /** A configuration entry or snapshot configuration does not decode or has no voters. */
    BAD_CONFIGURATION,
    /** A rejection's hint points above the rejected index. */
    HINT_ABOVE_INDEX,
    /** A snapshot response that is both done and rejected. */
    CONTRADICTORY_FLAGS,
    /** A snapshot chunk ends past the snapshot's size, or is the last one but ends before it. */
    CHUNK_OUTSIDE_SNAPSHOT,
    /** A snapshot chunk's data does not match its CRC32C (corrupted on the way). */
    CHECKSUM_MISMATCH,
    /** A batch of forwarded commands, reads or their answers that holds none. */
    EMPTY_BATCH,
    /** The message is addressed to another node. */
    WRONG_RECIPIENT,
    /** The sender is not a member of the receiver's current configuration. */
    NOT_A_MEMBER,

    /** An append that contradicts entries the receiver knows are committed. */
    CONFLICTS_WITH_COMMITTED,
    /** A heartbeat's commit index is beyond the receiver's log. */
    COMMIT_BEYOND_LOG,
    /** A response about an index beyond the leader's own log. */
    INDEX_BEYOND_LOG,
    /** A heartbeat response echoing a read round the leader never sent. */
    UNKNOWN_READ_CONTEXT,
    /** A request routed between runtimes (forwarding, follower reads) handed to the core, which has no use for it. */
    NOT_A_RAFT_MESSAGE;

    /** The lower-case name, for metric tags and logs. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
