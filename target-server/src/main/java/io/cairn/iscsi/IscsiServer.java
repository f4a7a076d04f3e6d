package io.cairn.iscsi;

import io.cairn.iscsi.target.IscsiConfig;
import io.cairn.iscsi.target.IscsiTargets;
import io.cairn.iscsi.conn.GatewayContext;
import io.cairn.iscsi.conn.IscsiConnection;
import io.cairn.iscsi.pdu.PduDecoder;
import io.cairn.iscsi.pdu.PduEncoder;
import io.cairn.iscsi.pdu.PduLimits;
import io.cairn.iscsi.session.SessionRegistry;
import io.cairn.scsi.ScsiCore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The iSCSI portal: a Netty server (native epoll where available) whose every connection runs
 * decoder, encoder and {@link IscsiConnection}. Connections beyond the configured bound are closed
 * on accept.
 */
public final class IscsiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IscsiServer.class);

    private final GatewayContext gateway;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    /** False when the workers are shared with other protocols of the process, whose owner stops them. */
    private final boolean ownsWorkers;
    private final boolean epoll;
    private final AtomicInteger connections = new AtomicInteger();
    private Channel serverChannel;

    public IscsiServer(ScsiCore core, IscsiTargets targets, IscsiConfig config, int ioThreads) {
        this(core, targets, config, Epoll.isAvailable() ? new EpollEventLoopGroup(ioThreads) : new NioEventLoopGroup(ioThreads),
                true);
    }

    /**
     * Serves connections on {@code sharedWorkers}, which the caller owns and stops after this server
     * closed. A gateway shares its event loops with its block-protocol clients so that a command
     * and the store requests it causes run on one thread, with no hand-off between threads on the
     * way (a wake-up costs more CPU than the work of a 4 KiB command). The acceptor and the
     * socket type follow the group's kind (native epoll or NIO).
     */
    public IscsiServer(ScsiCore core, IscsiTargets targets, IscsiConfig config, EventLoopGroup sharedWorkers) {
        this(core, targets, config, sharedWorkers, false);
    }

    private IscsiServer(ScsiCore core, IscsiTargets targets, IscsiConfig config, EventLoopGroup workers,
                        boolean ownsWorkers) {
        this.gateway = new GatewayContext(core, new SessionRegistry(config.maxSessions()), targets, config);
        this.epoll = workers instanceof EpollEventLoopGroup;
        this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workers = workers;
        this.ownsWorkers = ownsWorkers;
    }

    /** Binds the portal; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start(InetSocketAddress listen) throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                // Reading pauses above 4 MiB of unsent responses (IscsiConnection.channelWritabilityChanged).
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new io.netty.channel.WriteBufferWaterMark(1 << 20, 4 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > gateway.config().maxConnections()) {
                            log.warn("refusing connection from {}: {} connections open", ch.remoteAddress(),
                                    gateway.config().maxConnections());
                            connections.decrementAndGet();
                            ch.close();
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        ch.pipeline().addLast("idle", new IdleStateHandler(
                                gateway.config().nopIntervalSeconds(), 0, 0, TimeUnit.SECONDS));
                        ch.pipeline().addLast("flush", new FlushConsolidationHandler(64, true));
                        ch.pipeline().addLast("decoder", new PduDecoder(PduLimits.LOGIN));
                        ch.pipeline().addLast("encoder", new PduEncoder(PduLimits.LOGIN));
                        ch.pipeline().addLast("login-deadline", new LoginDeadline(gateway.config().loginTimeoutSeconds()));
                        ch.pipeline().addLast("connection", new IscsiConnection(gateway));
                    }
                });
        serverChannel = b.bind(listen).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    public GatewayContext gateway() {
        return gateway;
    }

    /** Aborts every task of the sessions whose I_T nexus is in {@code nexusKeys} (PREEMPT AND ABORT). */
    public java.util.concurrent.CompletableFuture<Void> abortTasks(java.util.Set<String> nexusKeys) {
        var waits = gateway.sessions().sessions().stream()
                .filter(s -> !s.discovery() && nexusKeys.contains(s.nexus().key()))
                .map(s -> s.connection().abortTasks(null, "PREEMPT AND ABORT"))
                .toArray(java.util.concurrent.CompletableFuture[]::new);
        return java.util.concurrent.CompletableFuture.allOf(waits);
    }

    public int openConnections() {
        return connections.get();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        for (var s : gateway.sessions().sessions()) {
            s.connection().close("target shutting down");
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (ownsWorkers) {
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Closes a connection that has not finished login within the deadline (bounds slow logins). */
    private static final class LoginDeadline extends ChannelInboundHandlerAdapter {
        private final int seconds;

        LoginDeadline(int seconds) {
            this.seconds = seconds;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.executor().schedule(() -> {
                if (ctx.pipeline().get(LoginDeadline.class) != null && ctx.channel().isActive()) {
                    log.info("{}: login not completed within {} s", ctx.channel().remoteAddress(), seconds);
                    ctx.close();
                }
            }, seconds, TimeUnit.SECONDS);
            ctx.fireChannelActive();
        }
    }
}
