package io.raftkit.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.core.Role;
import io.raftkit.spi.ClusterConfig;
import io.raftkit.spi.Entry;
import io.raftkit.spi.EntryType;
import io.raftkit.spi.SnapshotMeta;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.AppendResponse;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.SnapshotChunk;
import io.raftkit.spi.message.SnapshotResponse;
import io.raftkit.spi.message.TimeoutNow;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Injects thousands of forged and malformed messages into the live nodes of simulated clusters
 * (every fault family of the seed on as well) and checks that no node fails, that every safety
 * property of the simulator holds after every step, and that once the injections stop and the
 * faults heal the cluster elects a leader, commits, converges and its history is linearizable.
 *
 * <p>Raft assumes peers that are not malicious, so the forgeries are limited to what it must
 * tolerate, or what a node can recognise as impossible:
 * <ul>
 *   <li>structurally broken messages: mutations of well-formed ones (bad terms and indexes,
 *       entries that are not contiguous or whose terms go down, undecodable configurations,
 *       contradictory flags), from members or not;</li>
 *   <li>messages from non-members, and messages addressed to another node;</li>
 *   <li>messages of any kind and random content whose term is older than the receiver's;</li>
 *   <li>replays of real messages sent earlier (a network that duplicates and reorders);</li>
 *   <li>from members, at the receiver's term or later: rejections (failed appends with random
 *       indexes and hints, denied votes), pre-vote requests with random logs, vote requests
 *       claiming an empty log, TimeoutNow, heartbeats that commit nothing, heartbeat responses
 *       without a read round, snapshot chunks and responses. These may cost liveness while
 *       they last (terms rise, elections restart) but cannot break safety;</li>
 *   <li>from members, at the receiver's term: heartbeats committing beyond its log, appends
 *       contradicting its committed entries, and, to a leader, answers about indexes beyond
 *       its log or read rounds it never sent. The node must recognise and drop these.</li>
 * </ul>
 * Not injected: forgeries a correct node cannot tell from the truth (plausible appends or
 * commit indexes of a current or future term, granted votes, successful acknowledgements,
 * read confirmations); those break any Raft implementation by design.
 *
 * <p>{@code -Dfuzz.seeds=N -Dfuzz.baseSeed=B -Dfuzz.injections=K} choose the runs; a failure
 * prints its seed, and {@code -Dfuzz.seed=S} with {@link #replay()} replays one.
 */
class PeerFuzzTest {

    private static final long SEEDS = Long.getLong("fuzz.seeds", 4);
    private static final long BASE_SEED = Long.getLong("fuzz.baseSeed", 0);
    private static final int INJECTIONS = Integer.getInteger("fuzz.injections", 2_500);
    /** Simulator events between two injections. */
    private static final int STEPS_BETWEEN = 4;

    @Test
    void forgedAndMalformedMessagesNeverStopANodeNorBreakSafety() {
        long dropped = 0;
        for (long seed = BASE_SEED; seed < BASE_SEED + SEEDS; seed++) {
            dropped += run(seed);
        }
        assertThat(dropped).as("messages the nodes recognised as invalid").isGreaterThan(SEEDS * INJECTIONS / 10);
    }

    /** Replays {@code -Dfuzz.seed}. */
    @Test
    void replay() {
        run(Long.getLong("fuzz.seed", BASE_SEED));
    }

    private static long run(long seed) {
        try {
            return fuzz(seed);
        } catch (Throwable t) {
            throw new AssertionError("fuzz seed " + seed + " failed; replay with ./mvnw -pl raft-sim -am test -Dsurefire.failIfNoSpecifiedTests=false "
                    + "-Dtest=PeerFuzzTest#replay -Dfuzz.seed=" + seed + ": " + t, t);
        }
    }

    private static long fuzz(long seed) {
        Simulation sim = Simulation.of(SimOptions.fromSeed(seed, Integer.MAX_VALUE));
        List<Message> seen = new ArrayList<>();
        sim.tap(m -> {
            if (seen.size() < 2_000) {
                seen.add(m);
            } else {
                seen.set((int) (Math.floorMod(m.hashCode(), 2_000)), m);
            }
        });
        sim.start();
        Forger forger = new Forger(sim, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1), seen);
        long dropped = 0;
        for (int i = 0; i < INJECTIONS; i++) {
            for (int s = 0; s < STEPS_BETWEEN; s++) {
                sim.step();
            }
            String to = forger.randomNode();
            long before = sim.droppedMessages(to);
            Injection inj = forger.forge(to);
            sim.inject(inj.into(), inj.message());
            if (inj.into().equals(to)) {
                dropped += Math.max(0, sim.droppedMessages(to) - before);
            }
        }
        SimulationResult result = sim.finish();
        assertThat(result.acknowledged()).isPositive();
        return dropped;
    }

    private record Injection(String into, Message message) {
    }

    /** Makes one forged or malformed message for a node, from its current state. */
    private static final class Forger {
        private final Simulation sim;
        private final SplittableRandom r;
        private final List<Message> seen;
        private final List<String> ids;

        Forger(Simulation sim, SplittableRandom r, List<Message> seen) {
            this.sim = sim;
            this.r = r;
            this.seen = seen;
            this.ids = sim.nodeIds();
        }

        String randomNode() {
            return ids.get(r.nextInt(ids.size()));
        }

        private String otherMember(String to) {
            String from;
            do {
                from = randomNode();
            } while (from.equals(to));
            return from;
        }

        Injection forge(String to) {
            long term = sim.term(to);
            String from = otherMember(to);
            return switch (r.nextInt(8)) {
                case 0 -> seen.isEmpty() ? new Injection(to, timeoutNow(from, to, term))
                        : replay(seen.get(r.nextInt(seen.size())));
                case 1 -> new Injection(to, broken(from, to, term));
                case 2 -> new Injection(to, anyMessage("n" + (90 + r.nextInt(9)), to, term + r.nextInt(3), to));
                case 3 -> new Injection(to, anyMessage(from, elsewhere(to), term + r.nextInt(3), to));
                case 4 -> new Injection(to, term <= 1 ? timeoutNow(from, to, term)
                        : anyMessage(from, to, r.nextLong(1, term), to));
                case 5 -> new Injection(to, rejectionOrHarmlessVote(from, to, term));
                case 6 -> new Injection(to, nudge(from, to, term));
                default -> new Injection(to, impossible(from, to, term));
            };
        }

        private Injection replay(Message m) {
            return new Injection(m.to(), m);
        }

        /** A recipient other than {@code to}: the message is injected into {@code to} all the same. */
        private String elsewhere(String to) {
            return r.nextInt(4) == 0 ? "n" + (90 + r.nextInt(9)) : otherMember(to);
        }

        private static TimeoutNow timeoutNow(String from, String to, long term) {
            return new TimeoutNow(from, to, Math.max(1, term));
        }

        /** A well-formed message of a random kind and content, of {@code term} (at least 1). */
        private Message anyMessage(String from, String to, long term, String receiver) {
            long t = Math.max(1, term);
            long last = Math.max(0, sim.lastIndex(receiver) + r.nextInt(-3, 4));
            long index = r.nextLong(0, last + 1);
            long logTerm = index == 0 ? 0 : r.nextLong(0, t + 1);
            return switch (r.nextInt(9)) {
                case 0 -> new VoteRequest(from, to, t, index, logTerm, r.nextBoolean(), r.nextBoolean());
                case 1 -> new VoteResponse(from, to, t, r.nextBoolean(), r.nextBoolean());
                case 2 -> {
                    List<Entry> entries = new ArrayList<>();
                    long entryTerm = logTerm;
                    for (int i = 0, n = r.nextInt(4); i < n; i++) {
                        entryTerm = r.nextLong(entryTerm, t + 1);
                        entries.add(Entry.command(index + 1 + i, entryTerm, new byte[] {(byte) r.nextInt()}));
                    }
                    yield new AppendRequest(from, to, t, index, logTerm, entries, r.nextLong(0, last + 2));
                }
                case 3 -> {
                    long hint = r.nextLong(0, index + 1);
                    yield new AppendResponse(from, to, t, r.nextBoolean(), index, hint, r.nextLong(0, t + 1));
                }
                case 4 -> new Heartbeat(from, to, t, r.nextLong(0, last + 2), r.nextInt(5));
                case 5 -> new HeartbeatResponse(from, to, t, r.nextInt(5));
                case 6 -> new SnapshotChunk(from, to, t, new SnapshotMeta(index, logTerm, ClusterConfig.of(ids)),
                        r.nextInt(100), new byte[r.nextInt(10)], r.nextBoolean());
                case 7 -> {
                    boolean done = r.nextBoolean();
                    yield new SnapshotResponse(from, to, t, index, r.nextInt(100), done, !done && r.nextBoolean());
                }
                default -> new TimeoutNow(from, to, t);
            };
        }

        /** A message no correct node sends, whatever the receiver's state. */
        private Message broken(String from, String to, long term) {
            long t = Math.max(1, term);
            long last = sim.lastIndex(to);
            return switch (r.nextInt(10)) {
                case 0 -> new Heartbeat(from, to, -1 - r.nextInt(5), 0, 0);
                case 1 -> new VoteRequest(from, to, Long.MAX_VALUE - r.nextInt(3), last, t, false, false);
                case 2 -> new AppendRequest(from, to, t, last, 0,
                        List.of(Entry.command(last + 2 + r.nextInt(3), t, new byte[0])), 0);
                case 3 -> new AppendRequest(from, to, t, last, t,
                        List.of(Entry.command(last + 1, t, new byte[0]), Entry.command(last + 2, t - 1, new byte[0])), 0);
                case 4 -> new AppendRequest(from, to, t, last, t + 1 + r.nextInt(3), List.of(), 0);
                case 5 -> new AppendRequest(from, to, t, 0, 1 + r.nextInt(3), List.of(), 0);
                case 6 -> new AppendRequest(from, to, t, last, 0,
                        List.of(new Entry(last + 1, t, EntryType.CONFIG, new byte[] {(byte) r.nextInt()})), 0);
                case 7 -> new AppendResponse(from, to, t, false, r.nextInt(5), 5 + r.nextInt(5), 0);
                case 8 -> new SnapshotResponse(from, to, t, last, 0, true, true);
                default -> new Heartbeat(from, to, t, -1 - r.nextInt(1000), 0);
            };
        }

        /** Rejections and vote requests that cannot win a vote: at worst they cost an election. */
        private Message rejectionOrHarmlessVote(String from, String to, long term) {
            long t = Math.max(1, term);
            long last = sim.lastIndex(to);
            return switch (r.nextInt(4)) {
                case 0 -> {
                    long index = r.nextLong(0, last + 1);
                    yield new AppendResponse(from, to, t, false, index, r.nextLong(0, index + 1), r.nextLong(0, t + 1));
                }
                case 1 -> new VoteResponse(from, to, t + r.nextInt(2), r.nextBoolean(), false);
                case 2 -> {
                    long index = r.nextLong(0, last + 3);
                    yield new VoteRequest(from, to, t + r.nextInt(3), index, index == 0 ? 0 : r.nextLong(0, t + 1),
                            true, r.nextBoolean());
                }
                default -> new VoteRequest(from, to, t + r.nextInt(3), 0, 0, false, r.nextBoolean());
            };
        }

        /** Messages from members that change who is thought to lead or who campaigns, never the log. */
        private Message nudge(String from, String to, long term) {
            long t = Math.max(1, term);
            return switch (r.nextInt(5)) {
                case 0 -> new TimeoutNow(from, to, t + r.nextInt(2));
                case 1 -> new Heartbeat(from, to, t + r.nextInt(3), 0, 0);
                case 2 -> new HeartbeatResponse(from, to, t, 0);
                case 3 -> new SnapshotChunk(from, to, t + r.nextInt(2),
                        new SnapshotMeta(1, 0, ClusterConfig.of(ids)), 0, new byte[3], true);
                default -> new SnapshotResponse(from, to, t, r.nextInt(10), 0, r.nextBoolean(), false);
            };
        }

        /** Well formed, from a member, at the receiver's term, but impossible given its log. */
        private Message impossible(String from, String to, long term) {
            long t = Math.max(1, term);
            long last = sim.lastIndex(to);
            if (sim.role(to) == Role.LEADER && r.nextBoolean()) {
                return r.nextBoolean()
                        ? new AppendResponse(from, to, t, r.nextBoolean(), last + 1 + r.nextInt(100), 0, 0)
                        : new HeartbeatResponse(from, to, t, 1L << 40);
            }
            if (sim.commitIndex(to) >= 1 && r.nextBoolean()) {
                // index 1 is the founding configuration, of term 0, and committed
                return new AppendRequest(from, to, t, 1, r.nextLong(1, t + 1), List.of(), 0);
            }
            return new Heartbeat(from, to, t, last + 1 + r.nextInt(1000), 0);
        }
    }

}
