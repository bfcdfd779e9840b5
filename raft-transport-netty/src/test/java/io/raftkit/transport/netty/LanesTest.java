package io.raftkit.transport.netty;

import static io.raftkit.transport.netty.NettyTransportTest.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.Channel;
import io.raftkit.spi.Entry;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Heartbeat;
import io.raftkit.spi.message.HeartbeatResponse;
import io.raftkit.spi.message.Message;
import io.raftkit.spi.message.TimeoutNow;
import io.raftkit.spi.message.VoteRequest;
import io.raftkit.spi.message.VoteResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Control messages have their own lane; the data lane's queue is bounded in bytes. */
class LanesTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** What "promptly" means for a control message on loopback, on a loaded 2-core machine. */
    private static final Duration PROMPTLY = Duration.ofSeconds(2);

    private final List<NettyTransport> opened = new ArrayList<>();
    private final Map<String, InetSocketAddress> members = TestNodes.members(List.of("n1", "n2"));

    @AfterEach
    void closeAll() {
        opened.forEach(NettyTransport::close);
    }

    @Test
    void votesAndHeartbeatsArrivePromptlyWhileThePeersDataLaneIsBlocked() {
        ConcurrentLinkedQueue<Message> atN2 = new ConcurrentLinkedQueue<>();
        NettyTransport n1 = start("n1", NettyTransportConfig.builder().build(), m -> { });
        NettyTransport n2 = start("n2", NettyTransportConfig.builder().build(), atN2::add);
        Message firstAppend = append(1, new byte[16]);
        Message firstHeartbeat = new Heartbeat("n1", "n2", 1, 0, 0);
        await().atMost(WAIT).until(() -> {
            n1.send(firstAppend);
            n1.send(firstHeartbeat);
            return atN2.contains(firstAppend) && atN2.contains(firstHeartbeat);
        });

        // n2 stops reading n1's data connection: a receiver that cannot keep up with replication.
        InetSocketAddress dataEnd = n1.lane("n2", Lane.DATA).localAddress();
        Channel accepted = n2.channels().stream().filter(c -> dataEnd.equals(c.remoteAddress())).findFirst()
                .orElseThrow();
        accepted.config().setAutoRead(false);
        byte[] megabyte = new byte[1 << 20];
        for (int i = 0; i < 40; i++) {
            n1.send(append(2 + i, megabyte));
        }
        await("the data lane is saturated: sockets full, the rest queued").atMost(WAIT)
                .until(() -> n1.lane("n2", Lane.DATA).queued() > 0);

        List<Message> control = List.of(new Heartbeat("n1", "n2", 2, 1, 7), new VoteRequest("n1", "n2", 3, 1, 1, true, false),
                new VoteResponse("n1", "n2", 3, true, true), new HeartbeatResponse("n1", "n2", 2, 7),
                new TimeoutNow("n1", "n2", 3));
        control.forEach(n1::send);

        await().atMost(PROMPTLY).until(() -> atN2.containsAll(control));
        assertThat(bigAppendsAt(atN2)).as("the appends are still stuck").isLessThan(40);
        assertThat(n1.lane("n2", Lane.DATA).queued()).isPositive();

        accepted.config().setAutoRead(true);
        await().atMost(WAIT).until(() -> bigAppendsAt(atN2) == 40);
    }

    @Test
    void dataQueueOverItsByteBoundDropsTheOldestAppendsAndCountsThem() {
        int frame = 1 << 20;
        NettyTransport n1 = start("n1", TestNodes.config().maxFrameBytes(frame).outboundQueueBytes(frame).build(),
                m -> { });
        // n2 is down: everything waits in n1's queues. Each append weighs about 300 KB, so the
        // 1 MiB data queue keeps the newest three; the control lane is not affected.
        byte[] payload = new byte[300_000];
        for (int i = 0; i < 10; i++) {
            n1.send(append(1 + i, payload));
        }
        Heartbeat heartbeat = new Heartbeat("n1", "n2", 1, 0, 0);
        n1.send(heartbeat);
        assertThat(counter(n1.meterRegistry(), "raft.transport.messages.dropped", "reason", "queue_full")).isEqualTo(7);
        assertThat(n1.lane("n2", Lane.DATA).queuedBytes()).isLessThanOrEqualTo(frame);

        ConcurrentLinkedQueue<Message> atN2 = new ConcurrentLinkedQueue<>();
        start("n2", TestNodes.config().maxFrameBytes(frame).outboundQueueBytes(frame).build(), atN2::add);

        await().atMost(WAIT).until(() -> atN2.size() == 4);
        assertThat(atN2).contains(heartbeat);
        assertThat(atN2).filteredOn(m -> m instanceof AppendRequest).extracting(m -> ((AppendRequest) m).prevLogIndex())
                .containsExactlyInAnyOrder(7L, 8L, 9L); // entries 8, 9, 10
    }

    /** The distinct megabyte appends received (the first, small one is resent until it arrives). */
    private static long bigAppendsAt(ConcurrentLinkedQueue<Message> inbox) {
        return inbox.stream().filter(m -> m instanceof AppendRequest a && a.prevLogIndex() >= 1).distinct().count();
    }

    private static AppendRequest append(long index, byte[] payload) {
        return new AppendRequest("n1", "n2", 1, index - 1, 1, List.of(Entry.command(index, 1, payload)), 0);
    }

    private NettyTransport start(String id, NettyTransportConfig config, java.util.function.Consumer<Message> inbox) {
        NettyTransport transport = new NettyTransport(config);
        opened.add(transport);
        transport.start(TestNodes.context(id, members), inbox);
        return transport;
    }
}
