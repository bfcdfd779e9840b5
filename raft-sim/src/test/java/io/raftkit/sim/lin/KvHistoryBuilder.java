package io.raftkit.sim.lin;

import java.util.ArrayList;
import java.util.List;

/** Builds small key-value histories by hand for tests; ids are assigned in call order of the builder. */
final class KvHistoryBuilder {

    private final List<Operation<KvInput, KvOutput>> ops = new ArrayList<>();

    KvHistoryBuilder put(int client, String key, String value, long call, long ret) {
        return add(Operation.completed(ops.size(), client, KvInput.put(key, value), KvOutput.done(), call, ret));
    }

    KvHistoryBuilder get(int client, String key, String value, long call, long ret) {
        return add(Operation.completed(ops.size(), client, KvInput.get(key), KvOutput.value(value), call, ret));
    }

    KvHistoryBuilder append(int client, String key, String suffix, long call, long ret) {
        return add(Operation.completed(ops.size(), client, KvInput.append(key, suffix), KvOutput.done(), call, ret));
    }

    KvHistoryBuilder cas(int client, String key, String expected, String update, boolean swapped, long call, long ret) {
        return add(Operation.completed(
                ops.size(), client, KvInput.cas(key, expected, update), KvOutput.swapped(swapped), call, ret));
    }

    KvHistoryBuilder unknown(int client, KvInput input, long call) {
        return add(Operation.unknown(ops.size(), client, input, call));
    }

    KvHistoryBuilder add(Operation<KvInput, KvOutput> op) {
        ops.add(op);
        return this;
    }

    History<KvInput, KvOutput> build() {
        return new History<>(ops);
    }

    CheckResult<KvInput, KvOutput> check() {
        return LinearizabilityChecker.check(KvModel.INSTANCE, build(), 1_000_000);
    }
}
