/**
 * Every exception a raftkit user meets, in one place: why a request failed
 * ({@link io.raftkit.errors.NotLeaderException}, {@link io.raftkit.errors.OverloadedException},
 * {@link io.raftkit.errors.UnknownOutcomeException}, {@link io.raftkit.errors.ServerClosedException})
 * and why a node stopped ({@link io.raftkit.errors.LogStorageException},
 * {@link io.raftkit.errors.StateMachineException}).
 */
package io.raftkit.errors;
