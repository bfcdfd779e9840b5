package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OperationTest {

    @Test
    void validatesTimesAndOutputs() {
        assertThatThrownBy(() -> Operation.completed(0, 1, KvInput.get("x"), KvOutput.absent(), 5, 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Operation.completed(0, 1, KvInput.get("x"), null, 5, 6))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Operation<>(0, 1, KvInput.get("x"), KvOutput.absent(), 5,
                Operation.UNKNOWN_RETURN_TIME)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> History.of(
                Operation.unknown(3, 1, KvInput.get("x"), 0), Operation.unknown(3, 2, KvInput.get("y"), 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate operation id 3");
    }

    @Test
    void realTimeOrder() {
        Operation<KvInput, KvOutput> a = Operation.completed(0, 1, KvInput.put("x", "1"), KvOutput.done(), 0, 10);
        Operation<KvInput, KvOutput> b = Operation.completed(1, 2, KvInput.get("x"), KvOutput.value("1"), 11, 12);
        Operation<KvInput, KvOutput> touching = Operation.completed(2, 2, KvInput.get("x"), KvOutput.absent(), 10, 12);
        Operation<KvInput, KvOutput> unknown = Operation.unknown(3, 3, KvInput.put("x", "2"), 0);
        assertThat(a.precedes(b)).isTrue();
        assertThat(b.precedes(a)).isFalse();
        assertThat(a.precedes(touching)).isFalse();
        assertThat(unknown.precedes(b)).isFalse();
        assertThat(unknown.isUnknown()).isTrue();
        assertThat(a.toString()).isEqualTo("#0 c1 [0..10] put(x, 1) -> ok");
        assertThat(unknown.toString()).isEqualTo("#3 c3 [0..?] put(x, 2) -> ?");
    }
}
