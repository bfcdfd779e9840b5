package io.raftkit.sim.lin;

/**
 * The sequential specification of a service, against which histories are checked.
 *
 * <p>States are values: they must be immutable (the checker keeps and revisits old states when
 * it backtracks) and implement {@code equals} and {@code hashCode}, because the checker memoizes
 * the configurations it has explored as pairs (set of linearized operations, state).
 *
 * <p>A model may {@linkplain #partitionKey(Object) partition} histories: operations with
 * different keys must act on independent parts of the state, so that the history is
 * linearizable if and only if each partition is (P-compositionality). A key-value store
 * partitioned by key is the typical case; partitioning makes checking much faster.
 *
 * @param <S> the state type, an immutable value
 * @param <I> the input type (the operation and its arguments)
 * @param <O> the output type (what the client observes)
 */
public interface Model<S, I, O> {

    /**
     * The state before any operation.
     *
     * @return the initial state (not null)
     */
    S init();

    /**
     * Applies one operation to a state, if the observed output is legal there.
     *
     * <p>When {@code output} is {@code null} the operation's outcome is unknown: the client did
     * not observe an output, so any output the operation could produce is acceptable and the
     * method should return the state the operation leads to (or {@code null} if the operation
     * cannot be applied at all in {@code state}).
     *
     * <p>Must be a pure function of its arguments.
     *
     * @param state  the state before the operation (not null)
     * @param input  the operation
     * @param output the output the client observed, or {@code null} if unknown
     * @return the state after the operation, or {@code null} if the operation with this output is
     *     not legal in {@code state}
     */
    S step(S state, I input, O output);

    /**
     * The partition an operation belongs to. Operations with equal keys are checked together,
     * each partition on its own and starting from {@link #init()}. The default puts all
     * operations in one partition, keyed {@code null}.
     *
     * @param input an operation
     * @return its partition key; {@code null} for the single default partition
     */
    default Object partitionKey(I input) {
        return null;
    }

    /**
     * Whether an operation never changes the state. Read-only operations with an unknown
     * outcome constrain nothing and are dropped before the search, which keeps it small.
     * The default is {@code false}, which is always safe.
     *
     * @param input an operation
     * @return true if {@link #step} never changes the state for this input
     */
    default boolean isReadOnly(I input) {
        return false;
    }

    /**
     * Marks a value that cannot be known from an operation's input alone (an append's result,
     * say), for {@link #writtenValue}.
     */
    Object UNPREDICTABLE = new Object() {
        @Override
        public String toString() {
            return "UNPREDICTABLE";
        }
    };

    /**
     * The value a completed read-only operation observed, for pruning the search (see
     * {@link #writtenValue}), or {@code null} (the default) to give no such hint.
     *
     * @param input  a read-only operation
     * @param output what it returned
     * @return the observed value, comparable by {@code equals} with {@link #currentValue}
     */
    default Object observedValue(I input, O output) {
        return null;
    }

    /**
     * The value that the part of {@code state} an operation acts on holds (for a key-value store:
     * the value under the operation's key), comparable with {@link #observedValue}. Only asked when
     * the model gives {@link #observedValue} hints.
     *
     * @param state a state
     * @param input an operation
     * @return that value (not null: use a marker for "absent")
     */
    default Object currentValue(S state, I input) {
        return null;
    }

    /**
     * The value an operation writes when it changes the state, {@link #UNPREDICTABLE} if that
     * depends on the state, or {@code null} if it never writes (the default).
     *
     * <p>With these three hints the checker prunes a search branch as soon as it overwrites a
     * value that a completed read still has to observe, when no other operation (nor the initial
     * state) can produce that value again: in a history where every write has a unique value
     * (as in the simulator), a read that returned an old value then cannot be linearized, and
     * the checker need not explore every order of the writes pending at that point to find
     * out. The pruning is switched off for a partition in which any operation's written value is
     * unpredictable, and never applies to a value produced twice, so it is exact, not a heuristic.
     *
     * @param input an operation
     * @return the written value, {@link #UNPREDICTABLE}, or {@code null}
     */
    default Object writtenValue(I input) {
        return null;
    }
}
