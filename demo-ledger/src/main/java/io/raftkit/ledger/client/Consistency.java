package io.raftkit.ledger.client;

/** How a read is answered. */
public enum Consistency {
    /** Through the leader, after everything committed before the read: never stale. */
    LINEARIZABLE,
    /** From one node's own applied state, without asking the leader: possibly stale. */
    LOCAL
}
