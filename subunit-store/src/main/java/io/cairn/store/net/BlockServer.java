package io.cairn.store.net;

import io.cairn.replica.ReplicaService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Serves one node's {@link ReplicaService} over the block protocol to gateways and peer stores.
 * Each connection decodes request frames, calls the service and writes responses as the futures
 * complete ({@link RequestHandler}), with at most {@code maxInFlightPerConnection} requests running.
 */
public final class BlockServer implements AutoCloseable {
    public static final int DEFAULT_MAX_IN_FLIGHT = 256;

    private final ReplicaService service;
    private final BlockTransport transport;
    private final int maxInFlightPerConnection;
    private final int maxDataBytes;
    private final ChannelGroup channels = new DefaultChannelGroup("block-server", GlobalEventExecutor.INSTANCE);

    public BlockServer(ReplicaService service, BlockTransport transport, int maxInFlightPerConnection,
                       int maxDataBytes) {
        if (maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("maxInFlightPerConnection must be positive");
        }
        this.service = service;
        this.transport = transport;
        this.maxInFlightPerConnection = maxInFlightPerConnection;
        this.maxDataBytes = maxDataBytes;
    }

    public BlockServer(ReplicaService service, BlockTransport transport) {
        this(service, transport, DEFAULT_MAX_IN_FLIGHT, BlockProtocol.DEFAULT_MAX_DATA_BYTES);
    }

    /** Starts listening; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress bind(InetSocketAddress address) {
        FrameEncoder encoder = new FrameEncoder(maxDataBytes);
        Channel server = new ServerBootstrap()
                .group(transport.group())
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        channels.add(ch);
                        // Answers written while reading a batch of requests leave in one writev.
                        ch.pipeline().addLast(new FlushConsolidationHandler(64, true),
                                new FrameDecoder(maxDataBytes), encoder,
                                new RequestHandler(service, maxInFlightPerConnection));
                    }
                })
                .bind(address).syncUninterruptibly().channel();
        channels.add(server);
        return (InetSocketAddress) server.localAddress();
    }

    /** Stops listening and closes every connection; requests still running answer to nobody. */
    @Override
    public void close() {
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
