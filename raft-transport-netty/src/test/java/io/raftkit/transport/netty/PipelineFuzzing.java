package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.raftkit.spi.message.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * The property every fuzz target checks on an accepted connection's pipeline: whatever bytes
 * arrive, nothing escapes the pipeline as an exception; the connection is either still open with
 * no refusal counted, or closed with exactly one; and only members' messages to this node come
 * out.
 */
final class PipelineFuzzing {

    private PipelineFuzzing() {
    }

    /** Feeds the bytes in chunks of the given size; returns whether the connection was closed. */
    static boolean feed(byte[] bytes, int chunk) {
        return feed(new SimpleMeterRegistry(), bytes, chunk);
    }

    /** As {@link #feed(byte[], int)}, counting in a registry shared across cases (cheaper). */
    static boolean feed(SimpleMeterRegistry registry, byte[] bytes, int chunk) {
        double before = rejections(registry);
        List<Message> delivered = new ArrayList<>();
        EmbeddedChannel channel = AcceptedPipelineTest.acceptedChannel(registry, delivered::add);
        try {
            for (int at = 0; at < bytes.length && channel.isOpen(); at += chunk) {
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, at, Math.min(chunk, bytes.length - at)));
            }
            channel.checkException();
            double rejected = rejections(registry) - before;
            assertThat(rejected).as("refusals counted").isEqualTo(channel.isOpen() ? 0 : 1);
            assertThat(delivered).allMatch(m -> (m.from().equals("n2") || m.from().equals("n3")) && m.to().equals("n1"));
            return !channel.isOpen();
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static double rejections(SimpleMeterRegistry registry) {
        return registry.find("raft.transport.connections.rejected").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
