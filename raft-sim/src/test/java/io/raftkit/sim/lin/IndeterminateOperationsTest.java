package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Operations whose outcome is unknown: they may take effect at any time after their call, or never. */
class IndeterminateOperationsTest {

    @Test
    void timedOutPutObservedLaterIsLinearizable() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .put(1, "x", "1", 0, 10)
                .unknown(1, KvInput.put("x", "2"), 20)
                .get(2, "x", "1", 30, 40)
                .get(2, "x", "2", 1_000, 1_010) // took effect long after the client gave up
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }

    @Test
    void timedOutPutNeverObservedIsLinearizable() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .put(1, "x", "1", 0, 10)
                .unknown(1, KvInput.put("x", "2"), 20)
                .get(2, "x", "1", 30, 40)
                .get(2, "x", "1", 1_000, 1_010)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }

    @Test
    void unknownPutObservedBeforeItsCallIsNotLinearizable() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .put(1, "x", "1", 0, 10)
                .get(2, "x", "2", 20, 30)
                .unknown(1, KvInput.put("x", "2"), 40)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        assertThat(result.blocked().input()).isEqualTo(KvInput.get("x"));
        assertThat(result.candidates()).extracting(Operation::input).containsExactly(KvInput.get("x"));
    }

    @Test
    void unknownPutCannotBeUndoneOnceObserved() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .put(1, "x", "1", 0, 10)
                .unknown(1, KvInput.put("x", "2"), 20)
                .get(2, "x", "2", 30, 40)
                .get(2, "x", "1", 50, 60)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
    }

    @Test
    void twoUnknownPutsMayTakeEffectInEitherOrderOrNotAtAll() {
        for (String[] reads : new String[][] {{"a", "b"}, {"b", "a"}, {"a", "a"}, {"0", "b"}, {"0", "0"}}) {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "0", 0, 1)
                    .unknown(1, KvInput.put("x", "a"), 10)
                    .unknown(2, KvInput.put("x", "b"), 10)
                    .get(3, "x", reads[0], 100, 110)
                    .get(3, "x", reads[1], 200, 210)
                    .check();
            assertThat(result.outcome()).as("reads %s, %s", reads[0], reads[1]).isEqualTo(Outcome.LINEARIZABLE);
        }
    }

    @Test
    void unknownAppendMayApplyOnlyOnce() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .unknown(1, KvInput.append("x", "a"), 0)
                .get(2, "x", "a", 10, 20)
                .get(2, "x", "aa", 30, 40)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
    }

    @Test
    void unknownCasTakesEffectOnlyIfTheValueMatches() {
        KvHistoryBuilder base = new KvHistoryBuilder()
                .put(1, "x", "1", 0, 10)
                .unknown(1, KvInput.cas("x", "0", "2"), 20);
        assertThat(base.get(2, "x", "2", 30, 40).check().outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);

        CheckResult<KvInput, KvOutput> matching = new KvHistoryBuilder()
                .put(1, "x", "1", 0, 10)
                .unknown(1, KvInput.cas("x", "1", "2"), 20)
                .get(2, "x", "2", 30, 40)
                .check();
        assertThat(matching.outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }

    @Test
    void unknownAppendsNeededInTheOrderTriedSecond() {
        // the search first tries a then b (reaching "ab", refuted), so the configurations holding
        // only a fail first; the linearization b, a must still be found
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .unknown(1, KvInput.append("x", "a"), 0)
                .unknown(2, KvInput.append("x", "b"), 0)
                .get(3, "x", "ba", 10, 20)
                .get(3, "x", "ba", 30, 40)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
    }

    @Test
    void unknownGetsAreIgnored() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .unknown(1, KvInput.get("x"), 0)
                .unknown(2, KvInput.get("y"), 0)
                .put(3, "x", "1", 0, 10)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
        assertThat(result.explanation()).contains("2 read-only with unknown outcome ignored")
                .contains("in 1 partition(s)");
    }

    @Test
    void historyOfOnlyUnknownOperationsIsLinearizable() {
        CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                .unknown(1, KvInput.put("x", "1"), 0)
                .unknown(2, KvInput.append("x", "2"), 0)
                .check();
        assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
        assertThat(result.steps()).isZero();
    }
}
