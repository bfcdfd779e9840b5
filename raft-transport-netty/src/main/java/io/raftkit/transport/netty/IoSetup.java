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

    static IoSetup choose(boolean preferNative) {
        if (preferNative && Epoll.isAvailable()) {
            return new IoSetup("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return new IoSetup("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
}
