package io.raftkit.sim.lin;

import java.util.Objects;

/**
 * An operation on a key-value store, the input of {@link KvModel}. Keys and values are strings.
 */
public sealed interface KvInput {

    /**
     * The key the operation acts on, which is also its partition key.
     *
     * @return the key
     */
    String key();

    /**
     * {@code put(key, value)}: sets the value. Output: {@link KvOutput.Done}.
     *
     * @param key   the key
     * @param value the new value
     */
    record Put(String key, String value) implements KvInput {
        /**
         * Validates the arguments.
         *
         * @param key the key
         * @param value the new value
         */
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return "put(" + key + ", " + value + ")";
        }
    }

    /**
     * {@code get(key)}: reads the value. Output: {@link KvOutput.Value}, with {@code null} for an
     * absent key.
     *
     * @param key the key
     */
    record Get(String key) implements KvInput {
        /**
         * Validates the argument.
         *
         * @param key the key
         */
        public Get {
            Objects.requireNonNull(key, "key");
        }

        @Override
        public String toString() {
            return "get(" + key + ")";
        }
    }

    /**
     * {@code append(key, suffix)}: appends to the value, an absent key counting as the empty
     * string. Output: {@link KvOutput.Done}.
     *
     * @param key    the key
     * @param suffix what to append
     */
    record Append(String key, String suffix) implements KvInput {
        /**
         * Validates the arguments.
         *
         * @param key the key
         * @param suffix what to append
         */
        public Append {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(suffix, "suffix");
        }

        @Override
        public String toString() {
            return "append(" + key + ", " + suffix + ")";
        }
    }

    /**
     * {@code cas(key, expected, update)}: sets the value to {@code update} if it currently
     * equals {@code expected} ({@code null}: the key is absent). Output:
     * {@link KvOutput.Swapped}.
     *
     * @param key      the key
     * @param expected the expected current value, or {@code null} for absent
     * @param update   the new value
     */
    record Cas(String key, String expected, String update) implements KvInput {
        /**
         * Validates the arguments.
         *
         * @param key the key
         * @param expected the expected current value, or {@code null} for absent
         * @param update the new value
         */
        public Cas {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(update, "update");
        }

        @Override
        public String toString() {
            return "cas(" + key + ", " + (expected == null ? "absent" : expected) + ", " + update + ")";
        }
    }

    /**
     * A put.
     *
     * @param key   the key
     * @param value the value
     * @return {@code put(key, value)}
     */
    static KvInput put(String key, String value) {
        return new Put(key, value);
    }

    /**
     * A get.
     *
     * @param key the key
     * @return {@code get(key)}
     */
    static KvInput get(String key) {
        return new Get(key);
    }

    /**
     * An append.
     *
     * @param key    the key
     * @param suffix the suffix
     * @return {@code append(key, suffix)}
     */
    static KvInput append(String key, String suffix) {
        return new Append(key, suffix);
    }

    /**
     * A compare-and-set.
     *
     * @param key      the key
     * @param expected the expected value, or {@code null} for absent
     * @param update   the new value
     * @return {@code cas(key, expected, update)}
     */
    static KvInput cas(String key, String expected, String update) {
        return new Cas(key, expected, update);
    }
}
