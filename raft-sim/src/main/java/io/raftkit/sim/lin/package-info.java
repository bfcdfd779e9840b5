/**
 * A linearizability checker for client histories recorded by the cluster simulator.
 *
 * <p>A {@link io.raftkit.sim.lin.History} is a list of {@link io.raftkit.sim.lin.Operation}s,
 * each with a call time and a return time in virtual time; an operation whose outcome the
 * client never learned (it timed out, or the leader it talked to lost leadership) has an
 * {@linkplain io.raftkit.sim.lin.Operation#isUnknown() unknown outcome}: it may have taken effect
 * at any instant after its call, or not at all. {@link io.raftkit.sim.lin.HistoryRecorder} builds
 * histories as a simulation runs.
 *
 * <p>A {@link io.raftkit.sim.lin.Model} is the sequential specification of the service. Models
 * may split a history into independent partitions (P-compositionality: for a key-value store,
 * one partition per key) which are checked one by one, which keeps the search small.
 * {@link io.raftkit.sim.lin.KvModel} is the ready-made key-value model (put, get, append, cas).
 *
 * <p>{@link io.raftkit.sim.lin.LinearizabilityChecker} searches for a linearization with the
 * Wing&ndash;Gong algorithm over a doubly linked list of call and return events, memoizing the
 * configurations (set of linearized operations, model state) already explored, as proposed by
 * Lowe. Where the model names the values operations write and reads observe (every write's value
 * unique, as in the simulator), a branch is also cut as soon as it overwrites, for good, a value
 * that a read still waiting to be linearized observed: exact (the verdict is the same without it),
 * and what keeps histories with dozens of writes pending across a partition fast to check.
 * The search is bounded by a budget counted in search steps, not wall-clock time, so a
 * result replays exactly. The result is a {@link io.raftkit.sim.lin.CheckResult} whose
 * {@link io.raftkit.sim.lin.Outcome} is linearizable, not linearizable (with an explanation),
 * or unknown (the budget ran out).
 */
package io.raftkit.sim.lin;
