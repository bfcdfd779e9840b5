package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker with a model other than the key-value store: an unpartitioned FIFO queue. */
class GenericModelTest {

    /** enqueue(v) -> 0; dequeue() -> the head, or -1 if empty. */
    record QueueOp(boolean enqueue, int value) {
    }

    static final Model<List<Integer>, QueueOp, Integer> QUEUE = new Model<>() {
        @Override
        public List<Integer> init() {
            return List.of();
        }

        @Override
        public List<Integer> step(List<Integer> state, QueueOp input, Integer output) {
            if (input.enqueue()) {
                List<Integer> next = new ArrayList<>(state);
                next.add(input.value());
                return List.copyOf(next);
            }
            int head = state.isEmpty() ? -1 : state.get(0);
            if (output != null && output != head) {
                return null;
            }
            return state.isEmpty() ? state : List.copyOf(state.subList(1, state.size()));
        }
    };

    private static Operation<QueueOp, Integer> enq(long id, int v, long call, long ret) {
        return Operation.completed(id, (int) id, new QueueOp(true, v), 0, call, ret);
    }

    private static Operation<QueueOp, Integer> deq(long id, int out, long call, long ret) {
        return Operation.completed(id, (int) id, new QueueOp(false, 0), out, call, ret);
    }

    @Test
    void concurrentEnqueuesMayBeDequeuedInEitherOrder() {
        History<QueueOp, Integer> history = History.of(
                enq(0, 1, 0, 10), enq(1, 2, 0, 10), deq(2, 2, 20, 30), deq(3, 1, 40, 50), deq(4, -1, 60, 70));
        assertThat(LinearizabilityChecker.check(QUEUE, history).outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }

    @Test
    void sequentialEnqueuesMustBeDequeuedInOrder() {
        History<QueueOp, Integer> history = History.of(
                enq(0, 1, 0, 10), enq(1, 2, 20, 30), deq(2, 2, 40, 50), deq(3, 1, 60, 70));
        CheckResult<QueueOp, Integer> result = LinearizabilityChecker.check(QUEUE, history);
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        assertThat(result.partition()).isNull();
        assertThat(result.stateAfterPrefix()).isEqualTo(List.of(1, 2));
    }

    @Test
    void unknownDequeueMayHaveRemovedTheHead() {
        History<QueueOp, Integer> history = History.of(
                enq(0, 1, 0, 10), enq(1, 2, 20, 30),
                Operation.unknown(2, 2, new QueueOp(false, 0), 40),
                deq(3, 2, 50, 60));
        assertThat(LinearizabilityChecker.check(QUEUE, history).outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }
}
