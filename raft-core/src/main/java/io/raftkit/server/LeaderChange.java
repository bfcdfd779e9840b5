package io.raftkit.server;

/** A change of the leader this node knows of, for the leader listeners. */
record LeaderChange(String leaderId, long term, boolean isSelf) {
}
