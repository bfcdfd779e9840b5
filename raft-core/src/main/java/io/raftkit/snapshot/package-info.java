/**
 * Snapshot storage on the file system: {@link io.raftkit.snapshot.FileSnapshotStore}, the
 * {@link io.raftkit.spi.SnapshotStore} a durable node uses, and the start-up check
 * {@link io.raftkit.snapshot.SnapshotCoverage} that refuses to run a node whose log was compacted
 * past every usable snapshot.
 */
package io.raftkit.snapshot;
