package io.raftkit.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The I/O flavour in use: Linux epoll where its native library loads, NIO everywhere else. */
record IoSetup(String name, IoHandlerFactory handlerFactory, Class<? extends ServerChannel> serverChannel,
               Class<? extends Channel> channel) {

    /**
     * How long sent data may stay unacknowledged before the kernel drops the connection. Without
     * it a peer that vanished (power loss, cable cut) holds our connection open until TCP's
     * retransmissions give up, which takes many minutes; with it we redial within seconds.
     */
    static final int UNACKNOWLEDGED_TIMEOUT_MILLIS = 10_000;

    /** Applies what only this I/O flavour can do to an outbound bootstrap. */
    void tune(io.netty.bootstrap.Bootstrap dialler) {
        if (name.equals("epoll")) {
            dialler.option(io.netty.channel.epoll.EpollChannelOption.TCP_USER_TIMEOUT, UNACKNOWLEDGED_TIMEOUT_MILLIS);
        }
    }

    static IoSetup choose(boolean preferNative) {
        if (preferNative && Epoll.isAvailable()) {
            return new IoSetup("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return new IoSetup("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
