package io.raftkit.sim.lin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The Wing&ndash;Gong search with Lowe's memoization over one partition of a history.
 *
 * <p>Every completed operation contributes a call event and a return event, every operation
 * with an unknown outcome a call event only (its return is at "infinity"). The events are sorted
 * by time, calls before returns at equal times, numbered in that order and kept in a doubly
 * linked list over int arrays.
 *
 * <p>The search walks the list from its head: at a call it tries to linearize that operation now
 * (apply it to the model state); if that is legal and the resulting configuration is not pruned
 * by the {@link MemoCache}, the operation's events are unlinked, the choice is pushed on a stack
 * and the walk restarts from the head. Reaching a return event means that operation should
 * already have been linearized: a dead end, so the last choice is popped, marked failed in the
 * cache, its events relinked, and the walk continues after it. The search succeeds once every
 * completed operation is linearized (unknown ones may be left out) and fails when it backtracks
 * past the first choice.
 */
final class PartitionSearch<S, I, O> {

    enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, BUDGET_EXHAUSTED }

    private final Model<S, I, O> model;
    private final List<Operation<I, O>> ops;

    // nodes 0..m-1 are events in time order; node m is the list's head sentinel
    private final int head;
    private final int[] next;
    private final int[] prev;
    private final int[] opOf;
    private final boolean[] isCall;
    private final int[] returnOf; // for the call node of a completed operation: its return node

    private final boolean[] unknown;
    private final int[] bitIndex; // an operation's index among the completed, or among the unknown, ones
    private final long[] zobrist; // per completed operation
    private final int completedCount;
    private final int unknownCount;

    // pruning by observed values (see Model#writtenValue): off unless the model gives the hints
    private final boolean pruning;
    private final int[] observedId;  // per operation: the value id a completed read observed, or -1
    private final boolean[] writes;   // per operation: it may overwrite the value it acts on
    private final boolean[] unique;   // per value id: at most one operation (or the initial state) produces it
    private final Map<Object, Integer> valueIds = new HashMap<>();

    long steps;
    long prunedBranches;
    int bestDepth = -1;
    int[] bestPrefix = new int[0];
    int blocked = -1;
    int[] bestCandidates = new int[0];
    Object bestState;

    PartitionSearch(Model<S, I, O> model, List<Operation<I, O>> ops) {
        this(model, ops, true);
    }

    /**
     * @param prune whether to use the model's value hints to prune (the verdict is the same either
     *              way; without pruning a failed search reports the operation that could not be
     *              linearized the way a reader expects, the read rather than the write before it)
     */
    PartitionSearch(Model<S, I, O> model, List<Operation<I, O>> ops, boolean prune) {
        this.model = model;
        this.ops = ops;
        int n = ops.size();
        unknown = new boolean[n];
        bitIndex = new int[n];
        int completed = 0;
        int unknowns = 0;
        for (int i = 0; i < n; i++) {
            unknown[i] = ops.get(i).isUnknown();
            bitIndex[i] = unknown[i] ? unknowns++ : completed++;
        }
        completedCount = completed;
        unknownCount = unknowns;

        observedId = new int[n];
        writes = new boolean[n];
        Arrays.fill(observedId, -1);
        Map<Object, Integer> producers = new HashMap<>();
        boolean predictable = true;
        boolean hinted = false;
        for (int i = 0; i < n; i++) {
            Operation<I, O> op = ops.get(i);
            Object written = model.writtenValue(op.input());
            if (written == Model.UNPREDICTABLE) {
                predictable = false;
            } else if (written != null) {
                writes[i] = true;
                producers.merge(written, 1, Integer::sum);
            }
            // the initial state produces a value too, once per operation's part of the state: conservative
            Object initial = model.currentValue(model.init(), op.input());
            if (initial != null) {
                producers.merge(initial, 1, Integer::sum);
            }
            if (!unknown[i]) {
                Object observed = model.observedValue(op.input(), op.output());
                if (observed != null) {
                    hinted = true;
                    observedId[i] = valueIds.computeIfAbsent(observed, v -> valueIds.size());
                }
            }
        }
        pruning = prune && predictable && hinted;
        unique = new boolean[valueIds.size()];
        for (Map.Entry<Object, Integer> e : valueIds.entrySet()) {
            unique[e.getValue()] = producers.getOrDefault(e.getKey(), 0) <= 1;
        }
        zobrist = new long[completed];
        for (int c = 0; c < completed; c++) {
            zobrist[c] = MemoCache.mix(0x2545F4914F6CDD1DL + c * 0x9E3779B97F4A7C15L);
        }

        // event 2i is operation i's call, 2i+1 its return; unknown operations have no return event
        int m = 2 * completed + unknowns;
        Integer[] events = new Integer[m];
        int k = 0;
        for (int i = 0; i < n; i++) {
            events[k++] = 2 * i;
            if (!unknown[i]) {
                events[k++] = 2 * i + 1;
            }
        }
        Arrays.sort(events, Comparator
                .<Integer>comparingLong(e -> (e & 1) == 0 ? ops.get(e >>> 1).callTime() : ops.get(e >>> 1).returnTime())
                .thenComparingInt(e -> e & 1) // calls before returns at the same instant: touching means concurrent
                .thenComparingInt(e -> e));
        head = m;
        next = new int[m + 1];
        prev = new int[m + 1];
        opOf = new int[m];
        isCall = new boolean[m];
        returnOf = new int[m];
        int[] callNode = new int[n];
        int last = head;
        for (int node = 0; node < m; node++) {
            int e = events[node];
            int op = e >>> 1;
            opOf[node] = op;
            isCall[node] = (e & 1) == 0;
            if (isCall[node]) {
                callNode[op] = node;
            } else {
                returnOf[callNode[op]] = node;
            }
            next[last] = node;
            prev[node] = last;
            last = node;
        }
        next[last] = head;
        prev[head] = last;
    }

    private void lift(int call) {
        unlink(call);
        if (!unknown[opOf[call]]) {
            unlink(returnOf[call]);
        }
    }

    private void unlift(int call) {
        if (!unknown[opOf[call]]) {
            relink(returnOf[call]);
        }
        relink(call);
    }

    private void unlink(int node) {
        next[prev[node]] = next[node];
        prev[next[node]] = prev[node];
    }

    private void relink(int node) {
        next[prev[node]] = node;
        prev[next[node]] = node;
    }

    /**
     * Runs the search.
     *
     * @param budget the maximum number of steps to take
     * @return the verdict; {@link #steps} and the best-point fields describe the search
     */
    Verdict run(long budget) {
        int n = ops.size();
        int remaining = completedCount;
        if (remaining == 0) {
            return Verdict.LINEARIZABLE;
        }
        MemoCache cache = new MemoCache();
        long[] completedBits = new long[(completedCount + 63) >>> 6];
        long[] unknownBits = new long[(unknownCount + 63) >>> 6];
        long completedHash = 0;
        int[] stackNode = new int[n];
        Object[] stackState = new Object[n];
        Object[] stackGroup = new Object[n];
        int[] stackIndex = new int[n];
        int depth = 0;
        int[] pendingObservers = new int[valueIds.size()];
        for (int i = 0; i < n; i++) {
            if (observedId[i] >= 0) {
                pendingObservers[observedId[i]]++;
            }
        }
        S state = model.init();
        int cur = next[head];
        while (true) {
            if (steps >= budget) {
                return Verdict.BUDGET_EXHAUSTED;
            }
            steps++;
            if (isCall[cur]) {
                int o = opOf[cur];
                Operation<I, O> op = ops.get(o);
                S after = model.step(state, op.input(), op.output());
                if (after != null && pruning && writes[o] && overwritesAwaitedValue(state, after, op.input(), pendingObservers)) {
                    prunedBranches++;
                    after = null;
                }
                if (after != null) {
                    int b = bitIndex[o];
                    long[] bits = unknown[o] ? unknownBits : completedBits;
                    bits[b >>> 6] |= 1L << b;
                    long afterHash = unknown[o] ? completedHash : completedHash ^ zobrist[b];
                    if (cache.add(afterHash, completedBits, unknownBits, after)) {
                        stackNode[depth] = cur;
                        stackState[depth] = state;
                        stackGroup[depth] = cache.lastHandleGroup();
                        stackIndex[depth] = cache.lastHandleIndex();
                        depth++;
                        state = after;
                        completedHash = afterHash;
                        if (observedId[o] >= 0) {
                            pendingObservers[observedId[o]]--;
                        }
                        lift(cur);
                        if (!unknown[o] && --remaining == 0) {
                            return Verdict.LINEARIZABLE;
                        }
                        cur = next[head];
                        continue;
                    }
                    bits[b >>> 6] &= ~(1L << b);
                }
                cur = next[cur];
                continue;
            }
            // a return event (always of a completed operation, since the search stops once all of
            // those are linearized): it cannot be linearized after the current prefix. Dead end.
            if (depth > bestDepth) {
                recordBest(depth, stackNode, cur, state);
            }
            if (depth == 0) {
                return Verdict.NOT_LINEARIZABLE;
            }
            depth--;
            MemoCache.markFailed(stackGroup[depth], stackIndex[depth]);
            stackGroup[depth] = null;
            int node = stackNode[depth];
            @SuppressWarnings("unchecked")
            S previous = (S) stackState[depth];
            state = previous;
            stackState[depth] = null;
            int o = opOf[node];
            int b = bitIndex[o];
            if (observedId[o] >= 0) {
                pendingObservers[observedId[o]]++;
            }
            if (unknown[o]) {
                unknownBits[b >>> 6] &= ~(1L << b);
            } else {
                completedBits[b >>> 6] &= ~(1L << b);
                completedHash ^= zobrist[b];
                remaining++;
            }
            unlift(node);
            cur = next[node];
        }
    }

    /**
     * Whether linearizing a write now destroys, for good, a value that a read not yet linearized
     * observed: the value is current, only one producer exists (so it cannot come back), and the
     * write changes it.
     */
    /** Whether the last run cut a branch by a value hint. */
    boolean pruned() {
        return prunedBranches > 0;
    }

    private boolean overwritesAwaitedValue(S before, S after, I input, int[] pendingObservers) {
        Object current = model.currentValue(before, input);
        Integer id = current == null ? null : valueIds.get(current);
        if (id == null || !unique[id] || pendingObservers[id] == 0) {
            return false;
        }
        return !current.equals(model.currentValue(after, input));
    }

    private void recordBest(int depth, int[] stackNode, int returnNode, Object state) {
        bestDepth = depth;
        bestPrefix = new int[depth];
        for (int d = 0; d < depth; d++) {
            bestPrefix[d] = opOf[stackNode[d]];
        }
        blocked = opOf[returnNode];
        List<Integer> candidates = new ArrayList<>();
        for (int k = next[head]; k != returnNode; k = next[k]) {
            if (isCall[k]) {
                candidates.add(opOf[k]);
            }
        }
        bestCandidates = candidates.stream().mapToInt(Integer::intValue).toArray();
        bestState = state;
    }

    List<Operation<I, O>> bestPrefixOps() {
        return toOps(bestPrefix);
    }

    Operation<I, O> blockedOp() {
        return blocked < 0 ? null : ops.get(blocked);
    }

    List<Operation<I, O>> candidateOps() {
        return toOps(bestCandidates);
    }

    private List<Operation<I, O>> toOps(int[] indices) {
        List<Operation<I, O>> out = new ArrayList<>(indices.length);
        for (int i : indices) {
            out.add(ops.get(i));
        }
        return out;
    }
}
