package io.raftkit.sim.lin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records a {@link History} as a simulation runs: {@link #invoke} when a client sends a request,
 * then {@link #ok} when it receives the response, or {@link #unknown} when it gives up without
 * knowing whether the request took effect (a timeout, a leader change). Operations still
 * pending when {@link #history()} is called count as unknown.
 *
 * <p>Operation ids are assigned in invocation order from 0. Thread-safe.
 *
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public final class HistoryRecorder<I, O> {

    private static final class Pending<I, O> {
        final int clientId;
        final I input;
        final long callTime;
        O output;
        long returnTime = Operation.UNKNOWN_RETURN_TIME;
        boolean closed;

        Pending(int clientId, I input, long callTime) {
            this.clientId = clientId;
            this.input = input;
            this.callTime = callTime;
        }
    }

    private final List<Pending<I, O>> ops = new ArrayList<>();

    /** An empty recorder. */
    public HistoryRecorder() {
    }

    /**
     * Records the invocation of an operation.
     *
     * @param clientId the client issuing it
     * @param input    the operation
     * @param callTime the virtual time of the call
     * @return the operation's id, for {@link #ok} or {@link #unknown}
     */
    public synchronized long invoke(int clientId, I input, long callTime) {
        Objects.requireNonNull(input, "input");
        if (callTime == Operation.UNKNOWN_RETURN_TIME) {
            throw new IllegalArgumentException("call time must be before " + Operation.UNKNOWN_RETURN_TIME);
        }
        ops.add(new Pending<>(clientId, input, callTime));
        return ops.size() - 1;
    }

    /**
     * Records that an operation completed.
     *
     * @param opId       the id {@link #invoke} returned
     * @param output     what the client observed (not null)
     * @param returnTime the virtual time of the response, at or after the call
     * @throws IllegalStateException    if the operation was already completed or marked unknown
     * @throws IllegalArgumentException if the id is unknown or the return precedes the call
     */
    public synchronized void ok(long opId, O output, long returnTime) {
        Objects.requireNonNull(output, "output");
        Pending<I, O> op = open(opId);
        if (returnTime < op.callTime || returnTime == Operation.UNKNOWN_RETURN_TIME) {
            throw new IllegalArgumentException(
                    "operation " + opId + " called at " + op.callTime + " cannot return at " + returnTime);
        }
        op.output = output;
        op.returnTime = returnTime;
        op.closed = true;
    }

    /**
     * Records that the client gave up on an operation without learning its outcome: it may take
     * effect at any time after its call, or never.
     *
     * @param opId the id {@link #invoke} returned
     * @throws IllegalStateException    if the operation was already completed or marked unknown
     * @throws IllegalArgumentException if the id is unknown
     */
    public synchronized void unknown(long opId) {
        open(opId).closed = true;
    }

    private Pending<I, O> open(long opId) {
        if (opId < 0 || opId >= ops.size()) {
            throw new IllegalArgumentException("no operation " + opId);
        }
        Pending<I, O> op = ops.get((int) opId);
        if (op.closed) {
            throw new IllegalStateException("operation " + opId + " already has an outcome");
        }
        return op;
    }

    /**
     * The number of operations invoked so far.
     *
     * @return the count
     */
    public synchronized int size() {
        return ops.size();
    }

    /**
     * The history recorded so far; pending operations appear with an unknown outcome.
     *
     * @return a snapshot of the history
     */
    public synchronized History<I, O> history() {
        List<Operation<I, O>> out = new ArrayList<>(ops.size());
        for (int i = 0; i < ops.size(); i++) {
            Pending<I, O> p = ops.get(i);
            out.add(new Operation<>(i, p.clientId, p.input, p.output, p.callTime, p.returnTime));
        }
        return new History<>(out);
    }
}
