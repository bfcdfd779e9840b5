package io.raftkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.raftkit.memory.InMemoryLogStorage;
import io.raftkit.spi.Entry;
import io.raftkit.spi.HardState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/** The cache must answer every read exactly as the storage behind it would. */
class CachingLogStorageTest {

    @RepeatedTest(20)
    void answersEveryReadLikeTheStorageItFronts(RepetitionInfo info) {
        long seed = 1000L + info.getCurrentRepetition();
        Random rnd = new Random(seed);
        InMemoryLogStorage plain = new InMemoryLogStorage();
        InMemoryLogStorage behind = new InMemoryLogStorage();
        CachingLogStorage cached = new CachingLogStorage(behind, 16, rnd.nextBoolean() ? 1 << 20 : 600);
        long term = 1;
        for (int step = 0; step < 400; step++) {
            long last = plain.lastIndex();
            int op = rnd.nextInt(10);
            if (op < 7 || last == 0) {
                // append, sometimes overwriting a suffix (a follower replacing a conflicting tail)
                long from = last == 0 ? 1 : Math.max(1, last + 1 - rnd.nextInt(4));
                if (rnd.nextInt(5) == 0) {
                    term++;
                }
                List<Entry> es = new ArrayList<>();
                int n = 1 + rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    byte[] data = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(data);
                    es.add(Entry.command(from + i, term, data));
                }
                plain.append(new HardState(term, null, 0), es).join();
                cached.append(new HardState(term, null, 0), es).join();
            } else if (op < 8) {
                long from = 1 + rnd.nextInt((int) last);
                plain.truncateSuffix(from).join();
                cached.truncateSuffix(from).join();
            }
            last = plain.lastIndex();
            assertThat(cached.lastIndex()).as("seed %d", seed).isEqualTo(last);
            for (int r = 0; r < 5 && last > 0; r++) {
                long lo = rnd.nextBoolean() ? 1 + rnd.nextInt((int) last) : Math.max(1, last - rnd.nextInt(16));
                long hi = lo + 1 + rnd.nextInt((int) (last - lo + 1));
                long max = rnd.nextBoolean() ? Long.MAX_VALUE : rnd.nextInt(600);
                assertThat(cached.entries(lo, hi, max)).as("seed %d entries(%d,%d,%d)", seed, lo, hi, max)
                        .isEqualTo(plain.entries(lo, hi, max));
                long i = rnd.nextInt((int) last + 1);
                assertThat(cached.termAt(i)).as("seed %d termAt(%d)", seed, i).isEqualTo(plain.termAt(i));
            }
        }
    }
}
