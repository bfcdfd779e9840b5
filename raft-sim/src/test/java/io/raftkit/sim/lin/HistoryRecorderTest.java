package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

    @Test
    void recordsCompletedUnknownAndPendingOperations() {
        HistoryRecorder<KvInput, KvOutput> recorder = new HistoryRecorder<>();
        long put = recorder.invoke(1, KvInput.put("x", "1"), 0);
        long timedOut = recorder.invoke(2, KvInput.put("x", "2"), 1);
        long get = recorder.invoke(3, KvInput.get("x"), 2);
        long pending = recorder.invoke(1, KvInput.append("x", "3"), 6);
        recorder.ok(put, KvOutput.done(), 5);
        recorder.unknown(timedOut);
        recorder.ok(get, KvOutput.value("2"), 9);

        History<KvInput, KvOutput> history = recorder.history();
        assertThat(recorder.size()).isEqualTo(4);
        assertThat(history.operations()).containsExactly(
                Operation.completed(put, 1, KvInput.put("x", "1"), KvOutput.done(), 0, 5),
                Operation.unknown(timedOut, 2, KvInput.put("x", "2"), 1),
                Operation.completed(get, 3, KvInput.get("x"), KvOutput.value("2"), 2, 9),
                Operation.unknown(pending, 1, KvInput.append("x", "3"), 6));
        assertThat(LinearizabilityChecker.check(KvModel.INSTANCE, history).outcome())
                .isEqualTo(Outcome.LINEARIZABLE);
    }

    @Test
    void rejectsMisuse() {
        HistoryRecorder<KvInput, KvOutput> recorder = new HistoryRecorder<>();
        long op = recorder.invoke(1, KvInput.put("x", "1"), 10);
        assertThatThrownBy(() -> recorder.ok(op, KvOutput.done(), 9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> recorder.ok(op + 1, KvOutput.done(), 11))
                .isInstanceOf(IllegalArgumentException.class);
        recorder.ok(op, KvOutput.done(), 10);
        assertThatThrownBy(() -> recorder.ok(op, KvOutput.done(), 12)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> recorder.unknown(op)).isInstanceOf(IllegalStateException.class);
    }
}
