package io.raftkit.ledger;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * What the dashboard may do to a cluster whose nodes all run in this process (the local demo,
 * {@code ./ledger local}): stop and start a node, cut it off from the others and connect it again.
 * A node started alone ({@code node}) has none, and its dashboard neither shows nor accepts them.
 *
 * <p>Actions run one at a time off the caller's thread (a node may be asked to stop itself from one
 * of its own HTTP threads, which its close waits for); each future completes when the action is done,
 * or fails with an {@link IllegalStateException} saying why it was refused.
 */
public interface LocalControls {

    /**
     * Stops a running node; its data directory is kept. Refused for the last running node: then the
     * future has already failed when this returns.
     */
    CompletableFuture<Void> stop(String nodeId);

    /** Starts a stopped node again on the same data directory and ports. */
    CompletableFuture<Void> start(String nodeId);

    /** Cuts a node off from the others through the transport (its messages in and out are dropped). */
    CompletableFuture<Void> isolate(String nodeId);

    /** Connects a cut-off node again. */
    CompletableFuture<Void> heal(String nodeId);

    /** The members stopped now. */
    Set<String> stopped();

    /** The members cut off now. */
    Set<String> isolated();

    /** The cut every node's transport consults; {@link LedgerNode} wraps its transport with it. */
    NetworkCut networkCut();
}
