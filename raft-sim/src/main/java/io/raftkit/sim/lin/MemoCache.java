package io.raftkit.sim.lin;

import java.util.Arrays;

/**
 * Lowe's memo cache of explored configurations, extended for operations with unknown outcomes.
 *
 * <p>A configuration is (set of linearized operations, model state). The set is kept as two
 * bitsets: the completed operations linearized ({@code c}) and the unknown-outcome operations
 * linearized ({@code u}). Configurations are grouped by ({@code c}, state); a group holds the
 * {@code u} sets seen with it and whether each has been explored to exhaustion (failed).
 *
 * <p>A new configuration is pruned if it was seen before (Lowe), or if a failed configuration of
 * its group has a subset of its {@code u}: unknown-outcome operations constrain nothing in real
 * time and may be left out, so any completion of the larger configuration would also complete the
 * smaller one, which has none.
 *
 * <p>An open-addressing hash table of groups; the caller supplies the hash of {@code c}, kept
 * incrementally, so a lookup allocates nothing.
 */
final class MemoCache {

    /** The configurations with one completed set and one state. */
    private static final class Group {
        final long hash;
        final long[] completed;
        final Object state;
        long[][] unknowns = new long[1][];
        boolean[] failed = new boolean[1];
        int count;

        Group(long hash, long[] completed, Object state) {
            this.hash = hash;
            this.completed = completed;
            this.state = state;
        }

        int add(long[] u) {
            if (count == unknowns.length) {
                unknowns = Arrays.copyOf(unknowns, count * 2);
                failed = Arrays.copyOf(failed, count * 2);
            }
            unknowns[count] = u.length == 0 ? u : u.clone();
            return count++;
        }

        /** Whether {@code u} was seen, or a failed configuration with a subset of {@code u} was. */
        boolean prunes(long[] u) {
            for (int i = 0; i < count; i++) {
                long[] seen = unknowns[i];
                if (failed[i] ? isSubset(seen, u) : Arrays.equals(seen, u)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isSubset(long[] a, long[] b) {
            for (int w = 0; w < a.length; w++) {
                if ((a[w] & ~b[w]) != 0) {
                    return false;
                }
            }
            return true;
        }
    }

    private Group[] table = new Group[1 << 10];
    private int groups;
    private int configurations;
    private Group lastGroup;
    private int lastIndex;

    int size() {
        return configurations;
    }

    /**
     * Adds the configuration unless it is pruned.
     *
     * @param completedHash the hash of {@code completed}, a function of its contents only
     * @param completed     the completed operations linearized; copied if added
     * @param unknown       the unknown-outcome operations linearized; copied if added
     * @param state         the model state, with value equality
     * @return true if it was added: the configuration is new and not subsumed; its handle for
     *     {@link #markFailed} is then {@link #lastHandleGroup()} and {@link #lastHandleIndex()}
     */
    boolean add(long completedHash, long[] completed, long[] unknown, Object state) {
        long h = mix(completedHash ^ (state.hashCode() * 0x9E3779B97F4A7C15L));
        int mask = table.length - 1;
        int i = (int) h & mask;
        Group g;
        while ((g = table[i]) != null) {
            if (g.hash == h && Arrays.equals(g.completed, completed) && g.state.equals(state)) {
                break;
            }
            i = (i + 1) & mask;
        }
        if (g == null) {
            g = new Group(h, completed.clone(), state);
            table[i] = g;
            if (++groups * 2 > table.length) {
                grow();
            }
        } else if (g.prunes(unknown)) {
            return false;
        }
        lastGroup = g;
        lastIndex = g.add(unknown);
        configurations++;
        return true;
    }

    Object lastHandleGroup() {
        return lastGroup;
    }

    int lastHandleIndex() {
        return lastIndex;
    }

    /**
     * Records that a configuration added earlier has been explored to exhaustion without success.
     *
     * @param group the handle's group
     * @param index the handle's index
     */
    static void markFailed(Object group, int index) {
        ((Group) group).failed[index] = true;
    }

    private void grow() {
        Group[] old = table;
        table = new Group[old.length * 2];
        int mask = table.length - 1;
        for (Group g : old) {
            if (g != null) {
                int i = (int) g.hash & mask;
                while (table[i] != null) {
                    i = (i + 1) & mask;
                }
                table[i] = g;
            }
        }
    }

    /** The SplitMix64 finalizer: a bijective mix of all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
