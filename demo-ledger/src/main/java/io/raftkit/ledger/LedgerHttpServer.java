package io.raftkit.ledger;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The node's HTTP listener (Netty). Pipeline per connection: connection limit, request deadlines,
 * HTTP codec, body limit, then the {@link LedgerHttpHandler}.
 */
final class LedgerHttpServer implements AutoCloseable {

    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADER_BYTES = 8192;

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final InetSocketAddress address;

    private LedgerHttpServer(EventLoopGroup boss, EventLoopGroup workers, ChannelGroup channels, Channel serverChannel) {
        this.boss = boss;
        this.workers = workers;
        this.channels = channels;
        this.serverChannel = serverChannel;
        this.address = (InetSocketAddress) serverChannel.localAddress();
    }

    static LedgerHttpServer start(String nodeId, InetSocketAddress bind, HttpLimits limits, LedgerApi api,
                                  Supplier<String> leader, MeterRegistry registry, EventStream events,
                                  CorsPolicy cors) {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
                new io.netty.util.concurrent.DefaultThreadFactory("ledger-http-accept-" + nodeId), NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2,
                new io.netty.util.concurrent.DefaultThreadFactory("ledger-http-" + nodeId), NioIoHandler.newFactory());
        ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ConnectionLimiter limiter = new ConnectionLimiter(limits.maxConnections(), leader);
        try {
            Channel ch = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            channels.add(c);
                            RequestDeadline deadline = new RequestDeadline(limits, leader);
                            c.pipeline()
                                    .addLast("limit", limiter)
                                    .addLast("deadline", deadline)
                                    .addLast("codec", new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 8192))
                                    .addLast("aggregate", new BodyLimitAggregator(limits.maxBodyBytes(), leader))
                                    .addLast("api", new LedgerHttpHandler(api, leader, registry, deadline,
                                            limits.requestTimeout().toMillis(), events, cors));
                        }
                    })
                    .bind(bind).syncUninterruptibly().channel();
            return new LedgerHttpServer(boss, workers, channels, ch);
        } catch (RuntimeException e) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
    }

    /** The address it listens on. */
    InetSocketAddress address() {
        return address;
    }

    /** Stops listening, closes every connection, frees the port; waits for the threads. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        channels.close().awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
