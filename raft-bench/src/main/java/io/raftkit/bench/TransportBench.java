package io.raftkit.bench;

import io.raftkit.spi.Entry;
import io.raftkit.spi.TransportContext;
import io.raftkit.spi.message.AppendRequest;
import io.raftkit.spi.message.Message;
import io.raftkit.transport.netty.NettyTransport;
import io.raftkit.transport.netty.NettyTransportConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput of the Netty transport between two nodes on loopback: n1 sends AppendRequests
 * carrying one entry of the given payload size to n2 for a fixed time, keeping at most a window
 * of messages in flight (so the bounded queue never drops), and reports messages/s and MB/s of
 * payload delivered.
 *
 * <pre>
 * ./mvnw -q -pl raft-bench -am package -DskipTests
 * java -cp raft-bench/target/benchmarks.jar io.raftkit.bench.TransportBench [seconds] [sizes...]
 * </pre>
 * Defaults: 5 seconds per size after 2 seconds of warm-up, sizes 100 and 65536 bytes.
 */
public final class TransportBench {

    private TransportBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int[] sizes = args.length > 1
                ? java.util.Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray()
                : new int[] {100, 64 * 1024};
        System.out.printf("%-10s %12s %10s %10s%n", "payload", "messages/s", "MB/s", "dropped");
        for (int size : sizes) {
            run(size, Duration.ofSeconds(2), false);
            Result r = run(size, Duration.ofSeconds(seconds), true);
            System.out.printf("%-10s %,12.0f %10.1f %10d%n", size + " B", r.messagesPerSecond(), r.megabytesPerSecond(), r.dropped());
        }
    }

    record Result(double messagesPerSecond, double megabytesPerSecond, long dropped) {
    }

    private static Result run(int payloadBytes, Duration duration, boolean measured) throws IOException {
        Map<String, InetSocketAddress> members = Map.of(
                "n1", new InetSocketAddress("127.0.0.1", freePort()),
                "n2", new InetSocketAddress("127.0.0.1", freePort()));
        int window = Math.max(64, Math.min(8192, (32 << 20) / payloadBytes));
        AtomicLong received = new AtomicLong();
        try (NettyTransport sender = new NettyTransport(config(window));
             NettyTransport receiver = new NettyTransport(config(window))) {
            sender.start(new TransportContext("n1", "bench", members), m -> { });
            receiver.start(new TransportContext("n2", "bench", members), m -> received.incrementAndGet());
            byte[] payload = new byte[payloadBytes];
            long sent = 0;
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            while (System.nanoTime() < end) {
                if (sent - received.get() < window) {
                    Message m = new AppendRequest("n1", "n2", 1, sent, 1,
                            List.of(Entry.command(sent + 1, 1, payload)), sent);
                    sender.send(m);
                    sent++;
                } else {
                    Thread.onSpinWait();
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            long delivered = received.get();
            long dropped = (long) sender.meterRegistry().get("raft.transport.messages.dropped").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            return new Result(delivered / elapsed, delivered * (double) payloadBytes / elapsed / 1e6, dropped);
        }
    }

    private static NettyTransportConfig config(int window) {
        return NettyTransportConfig.builder().outboundQueueCapacity(window * 2).ioThreads(1).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
