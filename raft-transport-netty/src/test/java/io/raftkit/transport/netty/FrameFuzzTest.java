package io.raftkit.transport.netty;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer target for the frame decoder and everything behind it on an accepted connection.
 *
 * <p>In the normal build this runs in regression mode: only the inputs under
 * {@code src/test/resources/io/raftkit/transport/netty/FrameFuzzTestInputs/acceptedPipeline/},
 * quickly. To fuzz for real (coverage-guided, outside the build):
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -pl raft-core,raft-transport-netty verify -Dtest=FrameFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Findings are written next to the seeds and replayed by every later build.
 */
class FrameFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void acceptedPipeline(byte[] input) {
        // Whole and byte by byte: the decoder must not depend on how TCP splits the stream.
        boolean closedWhole = PipelineFuzzing.feed(input, Integer.MAX_VALUE);
        boolean closedSplit = PipelineFuzzing.feed(input, 1);
        if (closedWhole != closedSplit) {
            throw new AssertionError("verdict depends on chunking: whole=" + closedWhole + " split=" + closedSplit);
        }
    }
}
