package io.raftkit.sim.lin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks whether a {@link History} is linearizable with respect to a {@link Model}.
 *
 * <p>The history is split into the model's {@linkplain Model#partitionKey(Object) partitions},
 * in the order in which their keys first appear in the history, and each partition is searched
 * on its own with the Wing&ndash;Gong algorithm and Lowe's memoization of explored
 * configurations (see the {@linkplain io.raftkit.sim.lin package documentation}). The first
 * partition found not linearizable decides the result.
 *
 * <p>Operations with an {@linkplain Operation#isUnknown() unknown outcome} may be linearized at
 * any point after their call, or not at all; unknown operations the model declares
 * {@linkplain Model#isReadOnly(Object) read-only} are dropped up front.
 *
 * <p>The search is bounded by a budget of search steps (one step is one attempt to linearize an
 * operation or one backtrack), shared by all partitions; the check is deterministic, so the same
 * history, model and budget always give the same result, whatever the machine. Single-threaded
 * and stateless: the static methods may be called concurrently.
 */
public final class LinearizabilityChecker {

    /** The budget used by {@link #check(Model, History)}: ample for simulator histories. */
    public static final long DEFAULT_BUDGET = 100_000_000L;

    /** At most this many steps go to searching again for a clearer explanation of a refutation. */
    private static final long EXPLANATION_BUDGET = 5_000_000L;

    private static final int SHOWN_PREFIX = 10;
    private static final int SHOWN_CANDIDATES = 20;

    private LinearizabilityChecker() {
    }

    /**
     * Checks a history with the {@linkplain #DEFAULT_BUDGET default budget}.
     *
     * @param model   the sequential specification
     * @param history the history
     * @param <S>     the state type
     * @param <I>     the input type
     * @param <O>     the output type
     * @return the result
     */
    public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, History<I, O> history) {
        return check(model, history, DEFAULT_BUDGET);
    }

    /**
     * Checks a history.
     *
     * @param model   the sequential specification
     * @param history the history
     * @param budget  the maximum number of search steps over all partitions, positive
     * @param <S>     the state type
     * @param <I>     the input type
     * @param <O>     the output type
     * @return {@link Outcome#LINEARIZABLE}, {@link Outcome#NOT_LINEARIZABLE} with an explanation,
     *     or {@link Outcome#UNKNOWN} if the budget ran out first
     */
    public static <S, I, O> CheckResult<I, O> check(Model<S, I, O> model, History<I, O> history, long budget) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(history, "history");
        if (budget <= 0) {
            throw new IllegalArgumentException("budget must be positive: " + budget);
        }
        Map<Object, List<Operation<I, O>>> partitions = new LinkedHashMap<>();
        int dropped = 0;
        for (Operation<I, O> op : history.operations()) {
            if (op.isUnknown() && model.isReadOnly(op.input())) {
                dropped++;
                continue;
            }
            partitions.computeIfAbsent(model.partitionKey(op.input()), k -> new ArrayList<>()).add(op);
        }

        long steps = 0;
        int checked = 0;
        for (Map.Entry<Object, List<Operation<I, O>>> partition : partitions.entrySet()) {
            PartitionSearch<S, I, O> search = new PartitionSearch<>(model, partition.getValue());
            PartitionSearch.Verdict verdict = search.run(budget - steps);
            steps += search.steps;
            if (verdict == PartitionSearch.Verdict.NOT_LINEARIZABLE && search.pruned() && steps < budget) {
                // the verdict stands; search again without pruning, within what is left of the
                // budget, only for the clearer explanation (the stale read, not the write after it)
                PartitionSearch<S, I, O> plain = new PartitionSearch<>(model, partition.getValue(), false);
                if (plain.run(Math.min(budget - steps, EXPLANATION_BUDGET)) == PartitionSearch.Verdict.NOT_LINEARIZABLE) {
                    search = plain;
                }
                steps += plain.steps;
            }
            if (verdict == PartitionSearch.Verdict.LINEARIZABLE) {
                checked++;
                continue;
            }
            Outcome outcome = verdict == PartitionSearch.Verdict.NOT_LINEARIZABLE
                    ? Outcome.NOT_LINEARIZABLE
                    : Outcome.UNKNOWN;
            String explanation = explain(outcome, partition.getKey(), partition.getValue().size(), search,
                    steps, budget, checked, partitions.size());
            return new CheckResult<>(outcome, partition.getKey(), search.bestPrefixOps(), search.blockedOp(),
                    search.candidateOps(), search.bestState, steps, explanation);
        }
        String explanation = "linearizable: " + history.size() + " operations"
                + (dropped > 0 ? " (" + dropped + " read-only with unknown outcome ignored)" : "")
                + " in " + partitions.size() + " partition(s), " + steps + " search steps";
        return new CheckResult<>(Outcome.LINEARIZABLE, null, List.of(), null, List.of(), null, steps, explanation);
    }

    private static <S, I, O> String explain(Outcome outcome, Object key, int size, PartitionSearch<S, I, O> search,
            long steps, long budget, int checked, int partitionCount) {
        StringBuilder sb = new StringBuilder();
        String where = key == null ? "the history" : "partition " + key;
        if (outcome == Outcome.NOT_LINEARIZABLE) {
            sb.append("not linearizable: ").append(where).append(" (").append(size).append(" operations)")
                    .append(" has no linearization; ").append(steps).append(" search steps");
        } else {
            sb.append("unknown: the budget of ").append(budget).append(" search steps ran out in ").append(where)
                    .append(" (").append(size).append(" operations); ").append(checked).append(" of ")
                    .append(partitionCount).append(" partition(s) were verified linearizable");
        }
        if (search.bestDepth < 0) {
            return sb.toString();
        }
        List<Operation<I, O>> prefix = search.bestPrefixOps();
        sb.append("\n  longest linearizable prefix: ").append(prefix.size()).append(" operation(s)");
        if (prefix.size() > SHOWN_PREFIX) {
            sb.append(", the last ").append(SHOWN_PREFIX).append(':');
        } else if (!prefix.isEmpty()) {
            sb.append(':');
        }
        for (Operation<I, O> op : prefix.subList(Math.max(0, prefix.size() - SHOWN_PREFIX), prefix.size())) {
            sb.append("\n    ").append(op);
        }
        sb.append("\n  model state after it: ").append(search.bestState);
        sb.append("\n  then this operation returned before it could be linearized:\n    ").append(search.blockedOp());
        List<Operation<I, O>> candidates = search.candidateOps();
        sb.append("\n  candidates tried at that point (each illegal, or leading to a dead end): ")
                .append(candidates.size());
        for (Operation<I, O> op : candidates.subList(0, Math.min(SHOWN_CANDIDATES, candidates.size()))) {
            sb.append("\n    ").append(op);
        }
        if (candidates.size() > SHOWN_CANDIDATES) {
            sb.append("\n    ...");
        }
        return sb.toString();
    }
}
