package io.cairn.store.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The event loops and socket types the block protocol runs on: native epoll where available, NIO
 * elsewhere. One per process, shared by its {@link BlockServer} and every {@link BlockClient};
 * closing it stops them all.
 */
public final class BlockTransport implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Class<? extends ServerChannel> serverChannelType;

    public BlockTransport(int threads) {
        boolean epoll = Epoll.isAvailable();
        this.group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public EventLoopGroup group() {
        return group;
    }

    public Class<? extends Channel> channelType() {
        return channelType;
    }

    public Class<? extends ServerChannel> serverChannelType() {
        return serverChannelType;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
