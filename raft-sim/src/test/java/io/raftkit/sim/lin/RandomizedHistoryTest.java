package io.raftkit.sim.lin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Histories generated from real sequential executions with random overlaps are linearizable;
 * changing one read to return a value never written makes them not linearizable.
 *
 * <p>Up to 8 clients, 1 to 6 keys, unknown-outcome rates of 0, 1.5% and 3%. Refuting a mutant is
 * an exhaustive search, whose cost grows steeply with the number of pending unknown-outcome
 * writes on a key (each may or may not have taken effect, at many points): at 6% with 8 clients
 * on one key a single mutant can take over ten million steps, which is why the rates stay low here.
 */
class RandomizedHistoryTest {

    private static final long BASE_SEED = 0x5EEDL;
    private static final int SEEDS = 300;
    /** Far more than any of these histories needs; a search that runs out fails the test as UNKNOWN. */
    private static final long BUDGET = 20_000_000;

    @Test
    void generatedHistoriesAreLinearizableAndMutantsAreNot() {
        Random seeds = new Random(BASE_SEED);
        for (int i = 0; i < SEEDS; i++) {
            long seed = seeds.nextLong();
            Random random = new Random(seed);
            RandomKvHistories.Config config = new RandomKvHistories.Config(
                    20 + random.nextInt(180), 1 + random.nextInt(8), 1 + random.nextInt(6),
                    random.nextInt(3) * 0.015, random.nextBoolean());
            History<KvInput, KvOutput> history = RandomKvHistories.generate(seed, config);

            CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(KvModel.INSTANCE, history, BUDGET);
            assertThat(result.outcome()).as("seed %d, %s:%n%s", seed, config, result.explanation())
                    .isEqualTo(Outcome.LINEARIZABLE);

            List<Integer> reads = new ArrayList<>();
            for (int j = 0; j < history.size(); j++) {
                Operation<KvInput, KvOutput> op = history.operations().get(j);
                if (op.input() instanceof KvInput.Get && !op.isUnknown()) {
                    reads.add(j);
                }
            }
            if (reads.isEmpty()) {
                continue;
            }
            int victim = reads.get(random.nextInt(reads.size()));
            List<Operation<KvInput, KvOutput>> ops = new ArrayList<>(history.operations());
            Operation<KvInput, KvOutput> read = ops.get(victim);
            ops.set(victim, new Operation<>(read.id(), read.clientId(), read.input(),
                    KvOutput.value("never-written"), read.callTime(), read.returnTime()));

            CheckResult<KvInput, KvOutput> mutant = LinearizabilityChecker.check(KvModel.INSTANCE, new History<>(ops), BUDGET);
            assertThat(mutant.outcome()).as("seed %d, %s, mutated %s", seed, config, read)
                    .isEqualTo(Outcome.NOT_LINEARIZABLE);
            assertThat(mutant.partition()).as("seed %d", seed).isEqualTo(read.input().key());
        }
    }

    /** The simulator's scale: measures (and prints) how long a check takes; asserts only the verdicts. */
    @Test
    void twoThousandOperationsFiveClientsTenKeys() {
        RandomKvHistories.Config config = new RandomKvHistories.Config(2_000, 5, 10, 0.02, true);
        History<KvInput, KvOutput> history = RandomKvHistories.generate(42, config);
        List<Operation<KvInput, KvOutput>> ops = new ArrayList<>(history.operations());
        for (int j = ops.size() - 1; j >= 0; j--) { // the last completed read returns a value never written
            Operation<KvInput, KvOutput> op = ops.get(j);
            if (op.input() instanceof KvInput.Get && !op.isUnknown()) {
                ops.set(j, new Operation<>(op.id(), op.clientId(), op.input(), KvOutput.value("never-written"),
                        op.callTime(), op.returnTime()));
                break;
            }
        }
        History<KvInput, KvOutput> mutant = new History<>(ops);

        long coldStart = System.nanoTime();
        CheckResult<KvInput, KvOutput> result = LinearizabilityChecker.check(KvModel.INSTANCE, history);
        long coldMicros = (System.nanoTime() - coldStart) / 1_000;
        assertThat(result.outcome()).as(result.explanation()).isEqualTo(Outcome.LINEARIZABLE);
        CheckResult<KvInput, KvOutput> refuted = LinearizabilityChecker.check(KvModel.INSTANCE, mutant);
        assertThat(refuted.outcome()).as(refuted.explanation()).isEqualTo(Outcome.NOT_LINEARIZABLE);

        long[] good = new long[20];
        long[] bad = new long[20];
        for (int run = 0; run < good.length; run++) {
            long t0 = System.nanoTime();
            LinearizabilityChecker.check(KvModel.INSTANCE, history);
            long t1 = System.nanoTime();
            LinearizabilityChecker.check(KvModel.INSTANCE, mutant);
            long t2 = System.nanoTime();
            good[run] = (t1 - t0) / 1_000;
            bad[run] = (t2 - t1) / 1_000;
        }
        java.util.Arrays.sort(good);
        java.util.Arrays.sort(bad);
        System.out.printf("lincheck 2000 ops/5 clients/10 keys: %s%n  first (cold) check %d us; warm median %d us;"
                        + " mutant (%d steps) warm median %d us%n",
                result.explanation(), coldMicros, good[good.length / 2], refuted.steps(), bad[bad.length / 2]);
    }
}
