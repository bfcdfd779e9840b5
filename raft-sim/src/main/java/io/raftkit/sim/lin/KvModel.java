package io.raftkit.sim.lin;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The sequential specification of a key-value store with {@code put}, {@code get},
 * {@code append} and {@code cas} on string keys and values ({@link KvInput}, {@link KvOutput}),
 * partitioned by key.
 *
 * <p>The state is an immutable map from key to value; since histories are partitioned by key,
 * each partition's state holds at most one entry. An operation whose outcome is unknown is
 * applied for its effect: a put or append always takes effect, a cas takes effect if the value
 * matches; a get with an unknown outcome is read-only and is ignored by the checker.
 *
 * <p>A mismatch between an operation and its output type (a get answered with
 * {@link KvOutput.Done}, say) is a malformed history, reported by an
 * {@link IllegalArgumentException}.
 */
public final class KvModel implements Model<Map<String, String>, KvInput, KvOutput> {

    /** The model; it has no state of its own. */
    public static final KvModel INSTANCE = new KvModel();

    private KvModel() {
    }

    @Override
    public Map<String, String> init() {
        return Map.of();
    }

    @Override
    public Map<String, String> step(Map<String, String> state, KvInput input, KvOutput output) {
        String current = state.get(input.key());
        if (input instanceof KvInput.Get) {
            if (output == null) {
                return state;
            }
            return Objects.equals(current, expect(input, output, KvOutput.Value.class).value()) ? state : null;
        }
        if (input instanceof KvInput.Put put) {
            if (output != null) {
                expect(input, output, KvOutput.Done.class);
            }
            return with(state, put.key(), put.value());
        }
        if (input instanceof KvInput.Append append) {
            if (output != null) {
                expect(input, output, KvOutput.Done.class);
            }
            return with(state, append.key(), current == null ? append.suffix() : current + append.suffix());
        }
        KvInput.Cas cas = (KvInput.Cas) input;
        boolean matches = Objects.equals(current, cas.expected());
        if (output != null && expect(input, output, KvOutput.Swapped.class).swapped() != matches) {
            return null;
        }
        return matches ? with(state, cas.key(), cas.update()) : state;
    }

    /** Partitions by key. */
    @Override
    public Object partitionKey(KvInput input) {
        return input.key();
    }

    /** Gets are read-only. */
    @Override
    public boolean isReadOnly(KvInput input) {
        return input instanceof KvInput.Get;
    }

    /** What {@link #currentValue} and {@link #observedValue} answer for a key with no value. */
    static final Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "ABSENT";
        }
    };

    @Override
    public Object observedValue(KvInput input, KvOutput output) {
        if (input instanceof KvInput.Get && output instanceof KvOutput.Value v) {
            return v.value() == null ? ABSENT : v.value();
        }
        return null;
    }

    @Override
    public Object currentValue(Map<String, String> state, KvInput input) {
        String value = state.get(input.key());
        return value == null ? ABSENT : value;
    }

    @Override
    public Object writtenValue(KvInput input) {
        if (input instanceof KvInput.Put put) {
            return put.value();
        }
        if (input instanceof KvInput.Cas cas) {
            return cas.update();
        }
        return input instanceof KvInput.Append ? UNPREDICTABLE : null;
    }

    private static <T extends KvOutput> T expect(KvInput input, KvOutput output, Class<T> type) {
        if (!type.isInstance(output)) {
            throw new IllegalArgumentException("output " + output + " of " + input + " is not a " + type.getSimpleName());
        }
        return type.cast(output);
    }

    private static Map<String, String> with(Map<String, String> state, String key, String value) {
        if (state.isEmpty() || (state.size() == 1 && state.containsKey(key))) {
            return Map.of(key, value);
        }
        Map<String, String> copy = new HashMap<>(state);
        copy.put(key, value);
        return Map.copyOf(copy);
    }

    @Override
    public String toString() {
        return "KvModel";
    }
}
