package io.raftkit.sim.lin;

import java.util.Objects;

/**
 * One client operation in a {@link History}.
 *
 * <p>A <em>completed</em> operation has a non-null output and a return time at or after its call
 * time. An operation with an <em>unknown outcome</em> (the client timed out, or the leader it
 * talked to lost leadership, so the operation may or may not have taken effect, at any instant
 * after its call) has a {@code null} output and the return time {@link #UNKNOWN_RETURN_TIME}
 * ("infinity"); the checker may linearize it anywhere after its call, or leave it out.
 *
 * <p>Times are virtual and only compared: operation {@code a} precedes {@code b} in real time
 * when {@code a.returnTime() < b.callTime()}; operations whose intervals touch or overlap (for
 * instance one returns at {@code t} and the other is called at {@code t}) are concurrent.
 *
 * @param id          an identifier unique within the history, used in explanations
 * @param clientId    the client that issued the operation, used in explanations
 * @param input       the operation and its arguments, as understood by the {@link Model}
 * @param output      what the client observed, or {@code null} if the outcome is unknown
 * @param callTime    when the client invoked the operation
 * @param returnTime  when the client received the output, or {@link #UNKNOWN_RETURN_TIME}
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public record Operation<I, O>(long id, int clientId, I input, O output, long callTime, long returnTime) {

    /** The return time of an operation whose outcome is unknown: it never returned. */
    public static final long UNKNOWN_RETURN_TIME = Long.MAX_VALUE;

    /**
     * Validates the operation.
     *
     * @param id         an identifier unique within the history
     * @param clientId   the client that issued the operation
     * @param input      the operation and its arguments
     * @param output     what the client observed, or {@code null} if the outcome is unknown
     * @param callTime   when the client invoked the operation
     * @param returnTime when the client received the output, or {@link #UNKNOWN_RETURN_TIME}
     * @throws NullPointerException     if the input is null, or the output of a completed operation is
     * @throws IllegalArgumentException if the times are inconsistent, or an unknown operation has an output
     */
    public Operation {
        Objects.requireNonNull(input, "input");
        if (callTime == UNKNOWN_RETURN_TIME) {
            throw new IllegalArgumentException("call time must be before " + UNKNOWN_RETURN_TIME);
        }
        if (returnTime == UNKNOWN_RETURN_TIME) {
            if (output != null) {
                throw new IllegalArgumentException("an operation with an unknown outcome has no output: " + output);
            }
        } else {
            Objects.requireNonNull(output, "output of a completed operation");
            if (returnTime < callTime) {
                throw new IllegalArgumentException(
                        "operation " + id + " returns at " + returnTime + " before its call at " + callTime);
            }
        }
    }

    /**
     * A completed operation.
     *
     * @param id         an identifier unique within the history
     * @param clientId   the client that issued it
     * @param input      the operation
     * @param output     what the client observed (not null)
     * @param callTime   when it was invoked
     * @param returnTime when it returned, at or after {@code callTime}
     * @param <I>        the input type
     * @param <O>        the output type
     * @return the operation
     */
    public static <I, O> Operation<I, O> completed(
            long id, int clientId, I input, O output, long callTime, long returnTime) {
        return new Operation<>(id, clientId, input, output, callTime, returnTime);
    }

    /**
     * An operation whose outcome is unknown: it may take effect at any time after
     * {@code callTime}, or never.
     *
     * @param id       an identifier unique within the history
     * @param clientId the client that issued it
     * @param input    the operation
     * @param callTime when it was invoked
     * @param <I>      the input type
     * @param <O>      the output type
     * @return the operation
     */
    public static <I, O> Operation<I, O> unknown(long id, int clientId, I input, long callTime) {
        return new Operation<>(id, clientId, input, null, callTime, UNKNOWN_RETURN_TIME);
    }

    /**
     * Whether the outcome of this operation is unknown.
     *
     * @return true if it never returned
     */
    public boolean isUnknown() {
        return returnTime == UNKNOWN_RETURN_TIME;
    }

    /**
     * Whether this operation returned before {@code other} was called, so that any linearization
     * must order this one first.
     *
     * @param other another operation
     * @return true if this operation precedes {@code other} in real time
     */
    public boolean precedes(Operation<?, ?> other) {
        return !isUnknown() && returnTime < other.callTime;
    }

    /** A compact form for explanations: {@code #id c<client> [call..return] input -> output}. */
    @Override
    public String toString() {
        return isUnknown()
                ? "#" + id + " c" + clientId + " [" + callTime + "..?] " + input + " -> ?"
                : "#" + id + " c" + clientId + " [" + callTime + ".." + returnTime + "] " + input + " -> " + output;
    }
}
