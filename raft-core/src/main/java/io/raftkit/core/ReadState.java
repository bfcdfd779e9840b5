package io.raftkit.core;

/**
 * A ReadIndex read that became safe (thesis §6.4): once the state machine has applied
 * {@code index}, a read for {@code requestId} reflects every write that completed before it began.
 */
public record ReadState(long requestId, long index) {
}
