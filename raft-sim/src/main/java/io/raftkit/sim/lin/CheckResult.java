package io.raftkit.sim.lin;

import java.util.List;
import java.util.Objects;

/**
 * The result of {@link LinearizabilityChecker#check(Model, History, long)}.
 *
 * <p>For {@link Outcome#NOT_LINEARIZABLE} the result names the offending partition and
 * describes the deepest point the search reached in it: the longest sequence of operations that
 * could be linearized, the operation that returned before it could be linearized after that
 * sequence, and the operations that were candidates at that point (each of them was either
 * illegal in the model state reached, or led nowhere). For {@link Outcome#UNKNOWN} it names the
 * partition in which the budget ran out and the same details of the deepest point reached.
 *
 * @param outcome           the verdict
 * @param partition         the partition key of the violation, or of the partition in which the
 *                          budget ran out; {@code null} when linearizable, or when the model does
 *                          not partition
 * @param linearizedPrefix  the longest linearizable sequence of operations found in that
 *                          partition, in linearization order; empty when linearizable
 * @param blocked           the operation that could not be linearized after that prefix before
 *                          it returned; {@code null} when linearizable or not known
 * @param candidates        the operations that could have been linearized next after the prefix
 *                          (called, not yet linearized), all of which failed; empty when linearizable
 * @param stateAfterPrefix  the model state after the prefix; {@code null} when linearizable
 * @param steps             the search steps used, over all partitions checked
 * @param explanation       a human-readable summary
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public record CheckResult<I, O>(
        Outcome outcome,
        Object partition,
        List<Operation<I, O>> linearizedPrefix,
        Operation<I, O> blocked,
        List<Operation<I, O>> candidates,
        Object stateAfterPrefix,
        long steps,
        String explanation) {

    /**
     * Validates and copies the lists.
     *
     * @param outcome          the verdict
     * @param partition        the partition key concerned, or {@code null}
     * @param linearizedPrefix the longest linearizable prefix found
     * @param blocked          the operation that could not be linearized after it, or {@code null}
     * @param candidates       the operations tried after the prefix
     * @param stateAfterPrefix the model state after the prefix, or {@code null}
     * @param steps            the search steps used
     * @param explanation      a human-readable summary
     */
    public CheckResult {
        Objects.requireNonNull(outcome, "outcome");
        linearizedPrefix = List.copyOf(linearizedPrefix);
        candidates = List.copyOf(candidates);
        Objects.requireNonNull(explanation, "explanation");
    }

    /**
     * Whether the history is linearizable.
     *
     * @return true for {@link Outcome#LINEARIZABLE}
     */
    public boolean isLinearizable() {
        return outcome == Outcome.LINEARIZABLE;
    }

    /** The explanation. */
    @Override
    public String toString() {
        return explanation;
    }
}
