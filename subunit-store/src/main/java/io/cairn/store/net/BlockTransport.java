package io.cairn.store.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event loops and socket types the block protocol runs on: native epoll where available, NIO
 * elsewhere. One per process, shared by its {@link BlockServer} and every {@link BlockClient};
 * closing it stops them all.
 *
 * <p>Lanes: a caller that keeps one client per event loop ({@link #lanes()}) and sends from an
 * event loop on the client of that same loop ({@link #laneOfCurrentThread()}) gets its answer on
 * the thread that asked, with no hand-off between threads: on a busy node a thread wake-up costs
 * more CPU than the work of a 4 KiB request.
 */
public final class BlockTransport implements AutoCloseable {
    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Class<? extends ServerChannel> serverChannelType;
    private final List<EventLoop> lanes;

    public BlockTransport(int threads) {
        boolean epoll = Epoll.isAvailable();
        this.group = epoll ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.serverChannelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        List<EventLoop> loops = new ArrayList<>();
        for (io.netty.util.concurrent.EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
        this.lanes = List.copyOf(loops);
    }

    /** The event loops of {@link #group()}, in a fixed order. */
    public List<EventLoop> lanes() {
        return lanes;
    }

    /** The index in {@link #lanes()} of the loop running the calling thread, or -1 if it runs none. */
    public int laneOfCurrentThread() {
        for (int i = 0; i < lanes.size(); i++) {
            if (lanes.get(i).inEventLoop()) {
                return i;
            }
        }
        return -1;
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
