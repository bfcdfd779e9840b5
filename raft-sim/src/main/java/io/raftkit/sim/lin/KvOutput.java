package io.raftkit.sim.lin;

/**
 * What a client observed from a {@link KvInput} operation, the output of {@link KvModel}.
 */
public sealed interface KvOutput {

    /** The output of a put or an append: it took effect. */
    record Done() implements KvOutput {
        @Override
        public String toString() {
            return "ok";
        }
    }

    /**
     * The output of a get.
     *
     * @param value the value read, or {@code null} if the key was absent
     */
    record Value(String value) implements KvOutput {
        @Override
        public String toString() {
            return value == null ? "absent" : "\"" + value + "\"";
        }
    }

    /**
     * The output of a cas.
     *
     * @param swapped whether the value matched and was replaced
     */
    record Swapped(boolean swapped) implements KvOutput {
        @Override
        public String toString() {
            return swapped ? "swapped" : "not swapped";
        }
    }

    /**
     * The output of a put or an append.
     *
     * @return {@link Done}
     */
    static KvOutput done() {
        return new Done();
    }

    /**
     * The output of a get that read a value.
     *
     * @param value the value read, or {@code null} for absent
     * @return {@link Value}
     */
    static KvOutput value(String value) {
        return new Value(value);
    }

    /**
     * The output of a get of an absent key.
     *
     * @return {@link Value} with a {@code null} value
     */
    static KvOutput absent() {
        return new Value(null);
    }

    /**
     * The output of a cas.
     *
     * @param swapped whether it swapped
     * @return {@link Swapped}
     */
    static KvOutput swapped(boolean swapped) {
        return new Swapped(swapped);
    }
}
