package io.raftkit.transport.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.raftkit.spi.message.Message;
import io.raftkit.transport.netty.proto.Frame;
import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One outbound connection to one peer for one {@link Lane}, and the queue of messages waiting
 * for it.
 *
 * <p>Threads: {@link #send} is called from any thread, concurrently (the Raft loop, the storage
 * completion thread), and only touches the thread-safe queue and a flag; everything else runs on this peer's event loop, so connection
 * state needs no locks. A send schedules at most one drain task at a time: a burst of sends
 * becomes one task that writes every queued message and flushes once.
 *
 * <p>The connection is opened on the first message, and after a failure re-opened when there is
 * something to send, no sooner than the {@link Backoff} allows.
 */
final class PeerConnection implements ClientHandshakeHandler.Listener {

    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);

    private final String selfId;
    private final String peerId;
    private final Lane lane;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final DropOldestQueue<Message> queue;
    private final TransportMetrics.PeerMeters meters;
    private final Backoff backoff;
    private final int maxFrameBytes;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile boolean closed;
    /** Local end of the ready connection, for tests that act on one lane's socket. */
    private volatile InetSocketAddress localAddress;

    // Confined to the event loop.
    private Channel ready;
    private Channel pending;
    private ScheduledFuture<?> retry;
    private int failures;
    private long lastFailureNanos;
    private boolean attempted;

    PeerConnection(String selfId, String peerId, Lane lane, InetSocketAddress address, EventLoop loop,
                   Bootstrap template, Pipelines pipelines, DropOldestQueue<Message> queue,
                   TransportMetrics.PeerMeters meters, Backoff backoff, int maxFrameBytes) {
        this.selfId = selfId;
        this.peerId = peerId;
        this.lane = lane;
        this.address = address;
        this.loop = loop;
        this.bootstrap = template.clone(loop).handler(pipelines.dialled(peerId, address, this));
        this.queue = queue;
        this.meters = meters;
        this.backoff = backoff;
        this.maxFrameBytes = maxFrameBytes;
    }

    /** Queues a message; never blocks. */
    void send(Message message) {
        if (closed) {
            meters.dropped(DropReason.NOT_RUNNING);
            return;
        }
        int dropped = queue.offer(message);
        if (dropped > 0) {
            meters.dropped(DropReason.QUEUE_FULL, dropped);
        }
        if (closed) {
            // close() ran between the check above and the offer: leave nothing queued.
            queue.clear();
            return;
        }
        if (drainScheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                drainScheduled.set(false);
            }
        }
    }

    int queued() {
        return queue.size();
    }

    long queuedBytes() {
        return queue.bytes();
    }

    /** The local address of the ready connection, or null. */
    InetSocketAddress localAddress() {
        return localAddress;
    }

    /** Stops sending; the event loop group's shutdown closes the channels. */
    void close() {
        closed = true;
        queue.clear();
        try {
            loop.execute(() -> {
                if (retry != null) {
                    retry.cancel(false);
                }
                closeQuietly(ready);
                closeQuietly(pending);
            });
        } catch (RejectedExecutionException alreadyStopping) {
            // The group is shutting down and closes every channel itself.
        }
    }

    @Override
    public void handshakeDone(Channel channel) {
        if (closed || channel != pending) {
            channel.close();
            return;
        }
        pending = null;
        ready = channel;
        localAddress = (InetSocketAddress) channel.localAddress();
        if (failures > 0) {
            log.info("{}: {} lane connected to {} at {} after {} failed attempt(s)", selfId, lane.tag(), peerId,
                    address, failures);
        } else {
            log.debug("{}: {} lane connected to {} at {}", selfId, lane.tag(), peerId, address);
        }
        failures = 0;
        drain();
    }

    @Override
    public void writable(Channel channel) {
        if (channel == ready) {
            drain();
        }
    }

    /** Writes what is queued while the channel takes it, then flushes once. */
    private void drain() {
        // Cleared first: a send racing with this drain either is seen by the loop below or
        // schedules the next drain.
        drainScheduled.set(false);
        if (closed) {
            return;
        }
        Channel channel = ready;
        if (channel == null) {
            connectIfIdle();
            return;
        }
        int written = 0;
        Message message;
        while (channel.isWritable() && (message = queue.poll()) != null) {
            Frame frame = WireCodec.encode(message);
            int size = frame.getSerializedSize();
            if (size > maxFrameBytes) {
                meters.dropped(DropReason.TOO_LARGE);
                log.warn("{}: dropped {} to {}: {} bytes exceed maxFrameBytes {}", selfId,
                        message.kind(), peerId, size, maxFrameBytes);
                continue;
            }
            channel.write(frame, channel.voidPromise());
            meters.sent(FrameDecoder.LENGTH_BYTES + size);
            written++;
        }
        if (written > 0) {
            channel.flush();
        }
    }

    private void connectIfIdle() {
        if (closed || ready != null || pending != null || retry != null) {
            return;
        }
        long waitMillis = backoff.delayMillis(failures)
                - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFailureNanos);
        if (failures > 0 && waitMillis > 0) {
            retry = loop.schedule(() -> {
                retry = null;
                connect();
            }, waitMillis, TimeUnit.MILLISECONDS);
        } else {
            connect();
        }
    }

    private void connect() {
        if (closed || ready != null || pending != null) {
            return;
        }
        if (attempted) {
            meters.reconnect();
        }
        attempted = true;
        ChannelFuture future = bootstrap.connect(address);
        Channel channel = future.channel();
        pending = channel;
        channel.closeFuture().addListener(f -> onClosed(channel));
        future.addListener(f -> {
            if (!f.isSuccess()) {
                if (failures == 0) {
                    log.info("{}: cannot connect {} lane to {} at {}: {}", selfId, lane.tag(), peerId, address,
                            f.cause().toString());
                } else {
                    log.debug("{}: attempt {} to connect to {} failed: {}", selfId, failures + 1, peerId,
                            f.cause().toString());
                }
                channel.close();
            }
        });
    }

    private void onClosed(Channel channel) {
        if (channel == ready) {
            ready = null;
            localAddress = null;
            // The peer went away after a good connection: retry after the shortest backoff.
            failures = 1;
            if (!closed) {
                log.info("{}: {} lane connection to {} at {} closed", selfId, lane.tag(), peerId, address);
            }
        } else if (channel == pending) {
            pending = null;
            failures++;
        } else {
            return;
        }
        lastFailureNanos = System.nanoTime();
        if (!closed && !queue.isEmpty()) {
            connectIfIdle();
        }
    }

    private static void closeQuietly(Channel channel) {
        if (channel != null) {
            channel.close();
        }
    }
}
