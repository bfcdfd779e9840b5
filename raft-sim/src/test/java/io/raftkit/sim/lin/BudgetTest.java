package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BudgetTest {

    /** Ten concurrent puts and a later read of a value none wrote: the search tries every order of the puts. */
    private static KvHistoryBuilder hard(String key) {
        KvHistoryBuilder b = new KvHistoryBuilder();
        for (int i = 0; i < 10; i++) {
            b.put(i, key, "v" + i, 0, 100);
        }
        return b.get(10, key, "ghost", 200, 210);
    }

    @Test
    void exhaustedBudgetGivesUnknownDeterministically() {
        History<KvInput, KvOutput> history = hard("x").build();
        CheckResult<KvInput, KvOutput> first = LinearizabilityChecker.check(KvModel.INSTANCE, history, 1_000);
        CheckResult<KvInput, KvOutput> second = LinearizabilityChecker.check(KvModel.INSTANCE, history, 1_000);

        assertThat(first.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(first.steps()).isEqualTo(1_000);
        assertThat(first.partition()).isEqualTo("x");
        assertThat(first.explanation()).startsWith("unknown: the budget of 1000 search steps ran out in partition x");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void sufficientBudgetGivesTheVerdict() {
        CheckResult<KvInput, KvOutput> result =
                LinearizabilityChecker.check(KvModel.INSTANCE, hard("x").build(), 10_000_000);
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        assertThat(result.steps()).isGreaterThan(1_000);
        // the memo cache bounds the search by the configurations (subset of puts, last value), not the 10! orders
        assertThat(result.steps()).isLessThan(100_000);
        assertThat(result.linearizedPrefix()).hasSize(10);
        assertThat(result.blocked().input()).isEqualTo(KvInput.get("x"));

        CheckResult<KvInput, KvOutput> again =
                LinearizabilityChecker.check(KvModel.INSTANCE, hard("x").build(), result.steps());
        assertThat(again).isEqualTo(result);
        CheckResult<KvInput, KvOutput> oneShort =
                LinearizabilityChecker.check(KvModel.INSTANCE, hard("x").build(), result.steps() - 1);
        assertThat(oneShort.outcome()).isEqualTo(Outcome.UNKNOWN);
    }

    @Test
    void budgetIsSharedByPartitions() {
        KvHistoryBuilder b = new KvHistoryBuilder()
                .put(20, "a", "1", 0, 1)
                .get(20, "a", "1", 2, 3);
        KvHistoryBuilder hard = hard("b");
        hard.build().operations().forEach(op -> b.add(new Operation<>(
                op.id() + 2, op.clientId(), op.input(), op.output(), op.callTime(), op.returnTime())));
        CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(KvModel.INSTANCE, b.build(), 500);
        assertThat(result.outcome()).isEqualTo(Outcome.UNKNOWN);
        assertThat(result.partition()).isEqualTo("b");
        assertThat(result.steps()).isEqualTo(500);
        assertThat(result.explanation()).contains("1 of 2 partition(s) were verified linearizable");
    }
}
