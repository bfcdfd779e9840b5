package io.raftkit.server;

/**
 * Told once when the server stops after a fatal error: a failed storage write, an exception from
 * {@link io.raftkit.spi.StateMachine#apply}, or a failure of one of its threads. By then the node
 * has left the cluster (its transport is closed, its loop stopped), refuses every request, and has
 * failed every pending request. Recovering means closing it and starting a new server on the same
 * storage, which applies again from {@link io.raftkit.spi.StateMachine#lastAppliedIndex()}.
 *
 * <p>Called on the server's notifier thread ({@code raft-notify-<id>}), never on the loop or the
 * apply thread; a listener added after the failure is told at once, on that thread too. A listener
 * that throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface FatalErrorListener {

    /**
     * @param nodeId the node that stopped
     * @param cause  why (also in {@link RaftServer#failure()} and {@link ServerStatus#failure()})
     */
    void onFatalError(String nodeId, Throwable cause);
}
