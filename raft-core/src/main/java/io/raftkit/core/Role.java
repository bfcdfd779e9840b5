package io.raftkit.core;

/** A node's role in its current term. */
public enum Role {
    FOLLOWER,
    /** Asking for pre-votes before starting an election (thesis §9.6); the term is unchanged. */
    PRE_CANDIDATE,
    CANDIDATE,
    LEADER
}
