package io.raftkit.core;

/**
 * What observers want to know about a node that need not be persisted.
 *
 * @param role   the node's role
 * @param leaderId the leader it knows for {@code term}, or null
 * @param term   the current term
 */
public record SoftState(Role role, String leaderId, long term) {
}
