package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker's pruning by observed values (Model#writtenValue): it changes how fast a verdict is
 * reached, never the verdict.
 */
class ValuePruningTest {

    /**
     * The shape that ran the simulator's checker out of budget: writes proposed to a leader cut off
     * from its quorum are all applied at once after the heal, so each spans from its call to that
     * moment, and reads meanwhile return the old value. Without pruning, the search tries subsets
     * of the pending writes before every such read.
     */
    private static History<KvInput, KvOutput> pendingWritesAndReadsOfTheOldValue(int writes) {
        KvHistoryBuilder b = new KvHistoryBuilder().put(0, "k", "old", 0, 5);
        for (int i = 0; i < writes; i++) {
            b.put(1 + i % 4, "k", "w" + i, 10 + 10L * i, 100_000);
            b.get(9, "k", "old", 15 + 10L * i, 16 + 10L * i);
        }
        return b.get(9, "k", "w" + (writes - 1), 100_001, 100_002).build();
    }

    @Test
    void manyPendingWritesAndReadsOfTheOldValueAreCheckedQuickly() {
        History<KvInput, KvOutput> history = pendingWritesAndReadsOfTheOldValue(40);
        CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(KvModel.INSTANCE, history, 1_000_000);
        assertThat(result.outcome()).as(result.explanation()).isEqualTo(Outcome.LINEARIZABLE);
        assertThat(result.steps()).isLessThan(100_000);

        PartitionSearch<?, KvInput, KvOutput> plain =
                new PartitionSearch<>(KvModel.INSTANCE, history.operations(), false);
        assertThat(plain.run(2_000_000)).isEqualTo(PartitionSearch.Verdict.BUDGET_EXHAUSTED);
    }

    @Test
    void aReadOfAnOverwrittenValueIsStillRefuted() {
        KvHistoryBuilder b = new KvHistoryBuilder().put(0, "k", "old", 0, 5);
        for (int i = 0; i < 30; i++) {
            b.put(1 + i % 4, "k", "w" + i, 10 + 10L * i, 100_000);
        }
        // w3 was read, so it took effect; then a read that began later sees "old" again
        History<KvInput, KvOutput> history = b.get(9, "k", "w3", 500, 510).get(9, "k", "old", 520, 530).build();
        CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(KvModel.INSTANCE, history, 1_000_000);
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
    }

    @Test
    void aValueWrittenTwiceIsNotPrunedOn() {
        History<KvInput, KvOutput> history = new KvHistoryBuilder()
                .put(0, "k", "1", 0, 1)
                .put(1, "k", "2", 2, 3)
                .put(0, "k", "1", 4, 5)
                .get(2, "k", "1", 0, 10) // may be linearized after the second write of "1"
                .build();
        assertThat(LinearizabilityChecker.check(KvModel.INSTANCE, history).outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }

    /** Differential: on random histories and on mutants reading an overwritten value, pruned and plain agree. */
    @Test
    void prunedAndPlainSearchesGiveTheSameVerdicts() {
        Random seeds = new Random(0xC0FFEEL);
        int refuted = 0;
        for (int i = 0; i < 300; i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            RandomKvHistories.Config config = new RandomKvHistories.Config(
                    20 + random.nextInt(100), 1 + random.nextInt(6), 1 + random.nextInt(3),
                    random.nextInt(3) * 0.015, random.nextInt(4) == 0);
            History<KvInput, KvOutput> history = RandomKvHistories.generate(seed, config);
            assertSameVerdict(history, seed);

            // a read made to return some value written to its key: sometimes stale, sometimes fine
            List<Operation<KvInput, KvOutput>> ops = new ArrayList<>(history.operations());
            List<Integer> reads = new ArrayList<>();
            for (int j = 0; j < ops.size(); j++) {
                if (ops.get(j).input() instanceof KvInput.Get && !ops.get(j).isUnknown()) {
                    reads.add(j);
                }
            }
            if (reads.isEmpty()) {
                continue;
            }
            Operation<KvInput, KvOutput> read = ops.get(reads.get(random.nextInt(reads.size())));
            List<String> values = new ArrayList<>();
            for (Operation<KvInput, KvOutput> op : ops) {
                if (op.input() instanceof KvInput.Put put && put.key().equals(read.input().key())) {
                    values.add(put.value());
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            ops.set(ops.indexOf(read), new Operation<>(read.id(), read.clientId(), read.input(),
                    KvOutput.value(values.get(random.nextInt(values.size()))), read.callTime(), read.returnTime()));
            if (assertSameVerdict(new History<>(ops), seed) == PartitionSearch.Verdict.NOT_LINEARIZABLE) {
                refuted++;
            }
        }
        assertThat(refuted).as("mutants refuted by both").isGreaterThan(50);
    }

    private static PartitionSearch.Verdict assertSameVerdict(History<KvInput, KvOutput> history, long seed) {
        PartitionSearch.Verdict overall = PartitionSearch.Verdict.LINEARIZABLE;
        for (List<Operation<KvInput, KvOutput>> partition : partitions(history)) {
            PartitionSearch.Verdict pruned = new PartitionSearch<>(KvModel.INSTANCE, partition, true).run(20_000_000);
            PartitionSearch.Verdict plain = new PartitionSearch<>(KvModel.INSTANCE, partition, false).run(20_000_000);
            assertThat(pruned).as("seed %d", seed).isEqualTo(plain).isNotEqualTo(PartitionSearch.Verdict.BUDGET_EXHAUSTED);
            if (pruned == PartitionSearch.Verdict.NOT_LINEARIZABLE) {
                overall = pruned;
            }
        }
        return overall;
    }

    private static List<List<Operation<KvInput, KvOutput>>> partitions(History<KvInput, KvOutput> history) {
        java.util.Map<Object, List<Operation<KvInput, KvOutput>>> byKey = new java.util.LinkedHashMap<>();
        for (Operation<KvInput, KvOutput> op : history.operations()) {
            if (op.isUnknown() && KvModel.INSTANCE.isReadOnly(op.input())) {
                continue;
            }
            byKey.computeIfAbsent(op.input().key(), k -> new ArrayList<>()).add(op);
        }
        return new ArrayList<>(byKey.values());
    }
}
