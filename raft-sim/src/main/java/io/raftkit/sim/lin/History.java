package io.raftkit.sim.lin;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A client history: the operations observed by all clients of a service, in any order.
 *
 * <p>The order of the list does not matter to the checker beyond breaking ties
 * deterministically; the call and return times define the real-time order.
 *
 * @param operations the operations, with distinct {@linkplain Operation#id() ids}
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public record History<I, O>(List<Operation<I, O>> operations) {

    /**
     * Copies and validates the operations.
     *
     * @param operations the operations, with distinct ids
     * @throws IllegalArgumentException if two operations have the same id
     */
    public History {
        operations = List.copyOf(operations);
        Set<Long> ids = new HashSet<>();
        for (Operation<I, O> op : operations) {
            if (!ids.add(op.id())) {
                throw new IllegalArgumentException("duplicate operation id " + op.id());
            }
        }
    }

    /**
     * A history of the given operations.
     *
     * @param operations the operations, with distinct ids
     * @param <I> the input type
     * @param <O> the output type
     * @return the history
     */
    @SafeVarargs
    public static <I, O> History<I, O> of(Operation<I, O>... operations) {
        return new History<>(Arrays.asList(operations));
    }

    /**
     * The number of operations.
     *
     * @return the size of the history
     */
    public int size() {
        return operations.size();
    }
}
