package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Many more fuzz cases than sockets allow, straight into the accepted pipeline: mutated frames,
 * fed whole or in small chunks. Seeded: {@code -Dfuzz.seed=N}, {@code -Dfuzz.embeddedCases=N}.
 */
class EmbeddedFuzzTest {

    @Test
    void pipelineClosesOnBadInputAndNeverThrows() {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("fuzz.embeddedCases", 5_000);
        FuzzCases generator = new FuzzCases(seed, AcceptedPipelineTest.MAX_FRAME);
        java.util.Random chunks = new java.util.Random(seed);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

        for (int i = 0; i < cases; i++) {
            FuzzCases.Case fuzz = generator.next();
            int chunk = chunks.nextBoolean() ? Integer.MAX_VALUE : 1 + chunks.nextInt(16);
            boolean closed = PipelineFuzzing.feed(registry, fuzz.bytes(), chunk);
            if (fuzz.mustClose()) {
                assertThat(closed).as("%s must close (seed %d, case %d)", fuzz.kind(), seed, i).isTrue();
            }
        }
        System.out.printf("EmbeddedFuzzTest: %d cases (seed %d)%n", cases, seed);
    }
}
