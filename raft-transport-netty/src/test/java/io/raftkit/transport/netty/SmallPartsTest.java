package io.raftkit.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The queue and the backoff of a peer connection. */
class SmallPartsTest {

    @Test
    void fullQueueDropsItsOldestElement() {
        DropOldestQueue<Integer> queue = new DropOldestQueue<>(2);

        assertThat(queue.offer(1)).isNull();
        assertThat(queue.offer(2)).isNull();
        assertThat(queue.offer(3)).isEqualTo(1);
        assertThat(queue.poll()).isEqualTo(2);
        assertThat(queue.poll()).isEqualTo(3);
        assertThat(queue.poll()).isNull();
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
