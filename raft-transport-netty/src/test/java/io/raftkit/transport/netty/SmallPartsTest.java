package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The queue and the backoff of a peer connection. */
class SmallPartsTest {

    @Test
    void fullQueueDropsItsOldestElement() {
        DropOldestQueue<Integer> queue = new DropOldestQueue<>(2);

        assertThat(queue.offer(1)).isZero();
        assertThat(queue.offer(2)).isZero();
        assertThat(queue.offer(3)).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo(3);
        assertThat(queue.poll()).isNull();
    }

    @Test
    void queueOverItsByteBoundDropsItsOldestElementsButKeepsTheNewest() {
        DropOldestQueue<Integer> queue = new DropOldestQueue<>(100, 10, Integer::longValue);

        assertThat(queue.offer(4)).isZero();
        assertThat(queue.offer(5)).isZero();
        assertThat(queue.bytes()).isEqualTo(9);
        assertThat(queue.offer(3)).as("4 goes, 5 + 3 fit").isEqualTo(1);
        assertThat(queue.offer(20)).as("heavier than the bound alone: kept, all else dropped").isEqualTo(2);
        assertThat(queue.bytes()).isEqualTo(20);
        assertThat(queue.poll()).isEqualTo(20);
        assertThat(queue.bytes()).isZero();
    }

    @Test
    void eachMessageKindHasItsLane() {
        assertThat(Lane.of(io.raftkit.spi.message.Message.Kind.APPEND_REQUEST)).isEqualTo(Lane.DATA);
        assertThat(Lane.of(io.raftkit.spi.message.Message.Kind.SNAPSHOT_CHUNK)).isEqualTo(Lane.DATA);
        // a forwarded command and its result can be as large as an entry
        assertThat(Lane.of(io.raftkit.spi.message.Message.Kind.FORWARD_REQUEST)).isEqualTo(Lane.DATA);
        assertThat(Lane.of(io.raftkit.spi.message.Message.Kind.FORWARD_RESPONSE)).isEqualTo(Lane.DATA);
        for (var kind : java.util.EnumSet.complementOf(java.util.EnumSet.of(
                io.raftkit.spi.message.Message.Kind.APPEND_REQUEST, io.raftkit.spi.message.Message.Kind.SNAPSHOT_CHUNK,
                io.raftkit.spi.message.Message.Kind.FORWARD_REQUEST, io.raftkit.spi.message.Message.Kind.FORWARD_RESPONSE))) {
            assertThat(Lane.of(kind)).as(kind.name()).isEqualTo(Lane.CONTROL);
        }
    }

    @Test
    void backoffDoublesUpToItsCap() {
        Backoff noJitter = new Backoff(100, 1000, () -> 0.999_999);

        assertThat(noJitter.delayMillis(0)).isZero();
        assertThat(noJitter.delayMillis(1)).isEqualTo(99);
        assertThat(noJitter.delayMillis(2)).isEqualTo(199);
        assertThat(noJitter.delayMillis(4)).isEqualTo(799);
        assertThat(noJitter.delayMillis(5)).isEqualTo(999);
        assertThat(noJitter.delayMillis(1_000)).isEqualTo(999);
    }

    @Test
    void jitterKeepsAtLeastHalfTheDelay() {
        Backoff lowest = new Backoff(100, 1000, () -> 0.0);

        assertThat(lowest.delayMillis(3)).isEqualTo(200);
    }
}
