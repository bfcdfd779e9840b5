package io.raftkit.server;

import io.raftkit.errors.NotLeaderException;
import io.raftkit.errors.UnknownOutcomeException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A submitted command. The loop sets {@link #index} and {@link #term} when it proposes the command
 * and then hands the proposal to the apply thread through a queue (which orders the writes before
 * the reads).
 */
final class Proposal extends PendingRequest {

    /** {@link #route}: held by the {@link RequestRouter}, never sent; a timeout then says nothing was done. */
    static final int UNSENT = 0;
    /** {@link #route}: proposed here or sent to a leader, or about to be: a timeout cannot tell. */
    static final int MAYBE_PROPOSED = 1;
    /** {@link #route}: timed out while unsent; it must never leave now. */
    static final int EXPIRED_UNSENT = 2;

    final byte[] command;
    long index;
    long term;
    /** Where the command may be: claimed by compare-and-set between the loop (sending) and the timer. */
    final AtomicInteger route = new AtomicInteger(MAYBE_PROPOSED);
    /** Set on the leader for a command another node forwarded: it is never forwarded again. */
    boolean forwarded;

    Proposal(byte[] command, long startNanos, PendingBudget budget, Executor callbacks) {
        super(startNanos, command.length, budget, callbacks);
        this.command = command;
    }

    @Override
    Throwable timedOut(long timeoutMillis) {
        if (route.compareAndSet(UNSENT, EXPIRED_UNSENT)) {
            return new NotLeaderException(null, "no leader could be reached within " + timeoutMillis
                    + " ms; the command was not proposed");
        }
        return new UnknownOutcomeException("command" + (index == 0 ? "" : " at index " + index) + " timed out after "
                + timeoutMillis + " ms: it may or may not be committed (it may still be applied later);"
                + " retrying is safe only if the command is idempotent");
    }
}
