package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitioningTest {

    /** The key-value model without partitioning: one search over the whole history. */
    private static final Model<Map<String, String>, KvInput, KvOutput> UNPARTITIONED = new Model<>() {
        @Override
        public Map<String, String> init() {
            return KvModel.INSTANCE.init();
        }

        @Override
        public Map<String, String> step(Map<String, String> state, KvInput input, KvOutput output) {
            return KvModel.INSTANCE.step(state, input, output);
        }
    };

    @Test
    void violationOnOneKeyAmongManyIsFoundAndNamed() {
        long seed = 7;
        History<KvInput, KvOutput> good = RandomKvHistories.generate(
                seed, new RandomKvHistories.Config(600, 5, 20, 0.0, false));
        assertThat(LinearizabilityChecker.check(KvModel.INSTANCE, good).outcome())
                .isEqualTo(Outcome.LINEARIZABLE);

        // make the last completed read of k13 stale: it reads the value before the last completed put
        History<KvInput, KvOutput> bad = staleReadOn("k13", good);
        CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(KvModel.INSTANCE, bad);
        assertThat(result.outcome()).as(result.explanation()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        assertThat(result.partition()).isEqualTo("k13");
        assertThat(result.explanation()).contains("partition k13");
        assertThat(result.blocked().input().key()).isEqualTo("k13");
        assertThat(result.linearizedPrefix()).allSatisfy(op -> assertThat(op.input().key()).isEqualTo("k13"));
    }

    @Test
    void unpartitionedModelReachesTheSameVerdicts() {
        History<KvInput, KvOutput> good = RandomKvHistories.generate(
                3, new RandomKvHistories.Config(60, 3, 3, 0.0, true));
        CheckResult<KvInput, KvOutput> whole = LinearizabilityChecker.check(UNPARTITIONED, good);
        assertThat(whole.outcome()).isEqualTo(Outcome.LINEARIZABLE);

        History<KvInput, KvOutput> bad = staleReadOn("k1", good);
        CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(UNPARTITIONED, bad);
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        assertThat(result.partition()).isNull();
        assertThat(result.explanation()).contains("the history");
        assertThat(LinearizabilityChecker.check(KvModel.INSTANCE, bad).partition()).isEqualTo("k1");
    }

    @Test
    void partitionsAreCheckedInOrderOfFirstAppearance() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .get(1, "b", "ghost", 0, 1)
                .get(1, "a", "ghost", 2, 3)
                .check();
        assertThat(result.partition()).isEqualTo("b");
    }

    /**
     * Appends a read of {@code key}, after everything else, that returns the value of a completed
     * put other than the last write to that key. Requires two completed puts of distinct values.
     */
    static History<KvInput, KvOutput> staleReadOn(String key, History<KvInput, KvOutput> history) {
        List<Operation<KvInput, KvOutput>> ops = new ArrayList<>(history.operations());
        long end = 0;
        for (Operation<KvInput, KvOutput> op : ops) {
            end = Math.max(end, op.isUnknown() ? op.callTime() : op.returnTime());
        }
        List<Operation<KvInput, KvOutput>> writes = ops.stream()
                .filter(op -> op.input() instanceof KvInput.Put && op.input().key().equals(key) && !op.isUnknown())
                .sorted(Comparator.comparingLong(Operation::returnTime))
                .toList();
        assertThat(writes).as("completed puts to %s", key).hasSizeGreaterThanOrEqualTo(2);
        String last = ((KvInput.Put) writes.get(writes.size() - 1).input()).value();
        String stale = ((KvInput.Put) writes.get(0).input()).value();
        // the first-returning put precedes the last put in real time only if it returned before that one's call
        assertThat(writes.get(0).precedes(writes.get(writes.size() - 1))).isTrue();
        assertThat(stale).isNotEqualTo(last);
        // everything on the key must be over for the stale read to be a definite violation
        boolean pendingWrites = ops.stream().anyMatch(op -> op.isUnknown() && op.input().key().equals(key));
        assertThat(pendingWrites).isFalse();
        ops.add(Operation.completed(ops.size(), 99, KvInput.get(key), KvOutput.value(stale), end + 1, end + 2));
        return new History<>(ops);
    }
}
