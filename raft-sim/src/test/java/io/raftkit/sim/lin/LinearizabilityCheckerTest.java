package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {

    @Nested
    class KnownGood {

        @Test
        void emptyHistoryIsLinearizable() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder().check();
            assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
            assertThat(result.isLinearizable()).isTrue();
            assertThat(result.partition()).isNull();
            assertThat(result.linearizedPrefix()).isEmpty();
        }

        @Test
        void sequentialHistory() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .get(1, "x", null, 0, 1)
                    .put(1, "x", "1", 2, 3)
                    .get(2, "x", "1", 4, 5)
                    .put(2, "x", "2", 6, 7)
                    .get(1, "x", "2", 8, 9)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
            assertThat(result.explanation()).startsWith("linearizable: 5 operations in 1 partition(s)");
        }

        @Test
        void concurrentWritesThenAReadSeeingEither() {
            for (String seen : new String[] {"1", "2"}) {
                CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                        .put(1, "x", "1", 0, 10)
                        .put(2, "x", "2", 5, 15)
                        .get(3, "x", seen, 20, 25)
                        .check();
                assertThat(result.outcome()).as("read sees %s", seen).isEqualTo(Outcome.LINEARIZABLE);
            }
        }

        @Test
        void readConcurrentWithWriteSeesOldOrNew() {
            for (String seen : new String[] {"old", "new"}) {
                CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                        .put(1, "x", "old", 0, 1)
                        .put(1, "x", "new", 10, 20)
                        .get(2, "x", seen, 12, 18)
                        .check();
                assertThat(result.outcome()).as("read sees %s", seen).isEqualTo(Outcome.LINEARIZABLE);
            }
        }

        @Test
        void readsOrderedConsistentlyWithAConcurrentWrite() {
            // the write takes effect between the two reads
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 100)
                    .get(2, "x", null, 10, 20)
                    .get(3, "x", "1", 30, 40)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
        }

        @Test
        void operationsTouchingAtTheSameInstantAreConcurrent() {
            // the put returns at 10 and the get is called at 10: either order is allowed
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .get(2, "x", null, 10, 12)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
        }

        @Test
        void appendAndCas() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .cas(1, "x", null, "a", true, 0, 5)
                    .append(2, "x", "b", 6, 10)
                    .append(3, "x", "c", 6, 10)
                    .get(1, "x", "acb", 11, 12)
                    .cas(2, "x", "abc", "z", false, 13, 14)
                    .cas(3, "x", "acb", "z", true, 15, 16)
                    .get(1, "x", "z", 17, 18)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
        }

        @Test
        void needsBacktrackingToFindTheLinearization() {
            // four concurrent writes; the later reads force the order 3, 1, 4, 2 of the writes
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 50)
                    .put(2, "x", "2", 0, 50)
                    .put(3, "x", "3", 0, 50)
                    .put(4, "x", "4", 0, 50)
                    .get(5, "x", "3", 1, 10)
                    .get(5, "x", "1", 11, 20)
                    .get(5, "x", "4", 21, 30)
                    .get(5, "x", "2", 51, 60)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.LINEARIZABLE);
        }
    }

    @Nested
    class KnownBad {

        @Test
        void staleReadAfterACompletedWrite() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .put(1, "x", "2", 20, 30)
                    .get(2, "x", "1", 40, 50)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
            assertThat(result.isLinearizable()).isFalse();
            assertThat(result.partition()).isEqualTo("x");
            assertThat(result.linearizedPrefix()).extracting(Operation::id).containsExactly(0L, 1L);
            assertThat(result.blocked().id()).isEqualTo(2L);
            assertThat(result.candidates()).extracting(Operation::id).containsExactly(2L);
            assertThat(result.stateAfterPrefix()).isEqualTo(java.util.Map.of("x", "2"));
            assertThat(result.explanation())
                    .contains("not linearizable: partition x (3 operations)")
                    .contains("longest linearizable prefix: 2 operation(s)")
                    .contains("#2 c2 [40..50] get(x) -> \"1\"");
        }

        @Test
        void readOfAValueNeverWritten() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .get(2, "x", "ghost", 5, 15)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
            assertThat(result.blocked().input()).isEqualTo(KvInput.get("x"));
        }

        @Test
        void newOldInversion() {
            // a write concurrent with two sequential reads: the first sees the new value, the later one the old
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "0", 0, 5)
                    .put(1, "x", "1", 10, 100)
                    .get(2, "x", "1", 20, 30)
                    .get(3, "x", "0", 40, 50)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
            assertThat(result.blocked().id()).isEqualTo(3L);
        }

        @Test
        void lostAcknowledgedWrite() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .get(2, "x", "1", 20, 30)
                    .put(1, "x", "2", 40, 50)
                    .get(2, "x", "1", 60, 70)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
            assertThat(result.linearizedPrefix()).extracting(Operation::id).containsExactly(0L, 1L, 2L);
        }

        @Test
        void readOfAnAbsentKeyAfterAnAcknowledgedWrite() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .get(2, "x", null, 11, 12)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        }

        @Test
        void casReportedSwappedAgainstTheWrongValue() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .put(1, "x", "1", 0, 10)
                    .cas(2, "x", "0", "2", true, 20, 30)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        }

        @Test
        void appendsObservedInAnImpossibleOrder() {
            CheckResult<KvInput, KvOutput> result = new KvHistoryBuilder()
                    .append(1, "x", "a", 0, 10)
                    .append(2, "x", "b", 20, 30)
                    .get(3, "x", "ba", 40, 50)
                    .check();
            assertThat(result.outcome()).isEqualTo(Outcome.NOT_LINEARIZABLE);
        }
    }

    @Test
    void malformedOutputIsRejected() {
        History<KvInput, KvOutput> history = History.of(
                Operation.completed(0, 1, KvInput.get("x"), KvOutput.done(), 0, 1));
        assertThatThrownBy(() -> LinearizabilityChecker.check(KvModel.INSTANCE, history))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("get(x)");
    }

    @Test
    void budgetMustBePositive() {
        assertThatThrownBy(() -> LinearizabilityChecker.check(KvModel.INSTANCE, History.of(), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
