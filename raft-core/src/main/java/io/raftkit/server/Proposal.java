package io.raftkit.server;

import io.raftkit.errors.UnknownOutcomeException;
import java.util.concurrent.Executor;

/**
 * A submitted command. The loop sets {@link #index} and {@link #term} when it proposes the command
 * and then hands the proposal to the apply thread through a queue (which orders the writes before
 * the reads).
 */
final class Proposal extends PendingRequest {

    final byte[] command;
    long index;
    long term;

    Proposal(byte[] command, long startNanos, PendingBudget budget, Executor callbacks) {
        super(startNanos, command.length, budget, callbacks);
        this.command = command;
    }

    @Override
    Throwable timedOut(long timeoutMillis) {
        return new UnknownOutcomeException("command" + (index == 0 ? "" : " at index " + index) + " timed out after "
                + timeoutMillis + " ms: it may or may not be committed (it may still be applied later);"
                + " retrying is safe only if the command is idempotent");
    }
}
