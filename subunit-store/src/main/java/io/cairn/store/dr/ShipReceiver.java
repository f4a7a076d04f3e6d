package io.cairn.store.dr;

import io.cairn.replica.BlockVersion;
import io.cairn.replica.VersionSnapshot;
import io.cairn.store.FileSubUnit;
import io.cairn.store.SubUnitStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DR end of the shipping channel ({@link ShipProtocol}): a store in a DR site keeps, per
 * sub-unit shipped to it, a copy ({@link DrCopy#copyName}) that applies a block only when its
 * version is newer than the one it holds, so whatever order, repetition or cuts the link adds,
 * the copy converges to the primary's.
 *
 * <p>Faults: a frame that fails its checks (magic, version, length, CRC32C) closes its connection
 * unanswered and is counted ({@link #rejectedFrames}); nothing of it is applied. A request that is
 * well formed but wrong (bad geometry, blocks outside the sub-unit) gets an ERROR reply. A sender
 * that goes quiet for {@code idle} loses its connection; at most {@code maxConnections} are served
 * at once (more are closed at accept). Each connection is served by one thread, request after
 * request, so its replies come in the order of its requests.
 */
public final class ShipReceiver implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ShipReceiver.class);
    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(30);
    /** Most versions one VERSIONS request may ask for (senders ask for one extent: 256). */
    static final int MAX_VERSIONS = (ShipProtocol.MAX_BODY_BYTES - 4) / 17;

    private final SubUnitStore store;
    private final Duration idle;
    private final int maxConnections;
    private final ServerSocket server;
    private final Thread acceptor;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong notNewer = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private volatile boolean closed;

    private ShipReceiver(SubUnitStore store, ServerSocket server, Duration idle, int maxConnections) {
        this.store = store;
        this.server = server;
        this.idle = idle;
        this.maxConnections = maxConnections;
        this.acceptor = new Thread(this::accept, "cairn-ship-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
    }

    /** Listens on {@code address} (port 0: any free one) and serves until closed. */
    public static ShipReceiver start(SubUnitStore store, InetSocketAddress address, Duration idle, int maxConnections)
            throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address);
        ShipReceiver r = new ShipReceiver(store, server, idle, maxConnections);
        r.acceptor.start();
        return r;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** Blocks written to DR copies because their version was newer. */
    public long appliedBlocks() {
        return applied.get();
    }

    /** Blocks that arrived at a version the copy already held or had passed (repeats, re-sends). */
    public long notNewerBlocks() {
        return notNewer.get();
    }

    /** Frames refused unread because they failed their checks. */
    public long rejectedFrames() {
        return rejected.get();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("shipping receiver on {} stops accepting: {}", address(), e.toString());
                }
                return;
            }
            if (connections.size() >= maxConnections) {
                LOG.warn("shipping receiver on {}: {} connections already, closing one from {}", address(),
                        connections.size(), s.getRemoteSocketAddress());
                closeQuietly(s);
                continue;
            }
            connections.add(s);
            Thread t = new Thread(() -> serve(s), "cairn-ship-recv-" + s.getRemoteSocketAddress());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try {
            s.setSoTimeout(Math.toIntExact(idle.toMillis()));
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
            while (!closed) {
                ShipProtocol.Frame request = ShipProtocol.read(in);
                ShipProtocol.write(out, answer(request));
                if (in.available() == 0) {
                    out.flush(); // pipelined requests get their replies in one write
                }
            }
        } catch (ShipProtocol.CorruptFrameException e) {
            rejected.incrementAndGet();
            LOG.warn("shipping receiver: closing the connection from {}: {}", s.getRemoteSocketAddress(), e.getMessage());
        } catch (EOFException | SocketTimeoutException | SocketException e) {
            // the sender went away, or stayed quiet past the idle bound
        } catch (IOException e) {
            LOG.warn("shipping receiver: connection from {} failed: {}", s.getRemoteSocketAddress(), e.toString());
        } finally {
            connections.remove(s);
            closeQuietly(s); // after the catch blocks: a rejection is counted before the sender sees the close
        }
    }

    private ShipProtocol.Frame answer(ShipProtocol.Frame request) {
        try {
            ByteBuffer body = ByteBuffer.wrap(request.body());
            DrCopy copy = DrCopy.get(body);
            FileSubUnit unit = store.open(copy.copyName(), copy.index(), copy.blockCount(), copy.blockSize());
            if (unit.replicationBlockBytes() != copy.replicationBlockBytes()) {
                throw new IllegalArgumentException("this store keeps replication blocks of "
                        + unit.replicationBlockBytes() + " bytes, the sender's are " + copy.replicationBlockBytes());
            }
            switch (request.type()) {
                case ShipProtocol.VERSIONS -> {
                    int first = body.getInt();
                    int count = body.getInt();
                    if (count > MAX_VERSIONS) {
                        throw new IllegalArgumentException(count + " versions asked for, at most " + MAX_VERSIONS);
                    }
                    VersionSnapshot v = Await.get(unit.versions(first, count), APPLY_TIMEOUT, "the DR copy");
                    ByteBuffer out = ByteBuffer.allocate(4 + count * 17);
                    out.putInt(count);
                    for (int i = 0; i < count; i++) {
                        out.putLong(v.epochs()[i]).putLong(v.ids()[i]).put((byte) (v.mapped()[i] ? 1 : 0));
                    }
                    return reply(request, ShipProtocol.VERSION_LIST, out.array());
                }
                case ShipProtocol.APPLY -> {
                    int first = body.getInt();
                    int count = body.getInt();
                    BlockVersion version = new BlockVersion(body.getLong(), body.getLong());
                    boolean deallocated = (request.flags() & ShipProtocol.FLAG_DEALLOCATED) != 0;
                    if (deallocated && body.hasRemaining()) {
                        throw new IllegalArgumentException("deallocated blocks with data");
                    }
                    ByteBuf data = deallocated ? null
                            : Unpooled.wrappedBuffer(request.body(), body.position(), body.remaining());
                    int n = Await.get(unit.apply(first, count, data, version, false), APPLY_TIMEOUT, "the DR copy");
                    applied.addAndGet(n);
                    notNewer.addAndGet(count - n);
                    return reply(request, ShipProtocol.DONE, ByteBuffer.allocate(8).putInt(n).putInt(count - n).array());
                }
                case ShipProtocol.FORCE -> {
                    Await.get(unit.flush(), APPLY_TIMEOUT, "the DR copy");
                    return reply(request, ShipProtocol.DONE, new byte[8]);
                }
                default -> throw new IllegalArgumentException("unknown shipping request type " + request.type());
            }
        } catch (IOException | RuntimeException e) { // a bad request or a failing copy: answered, never a dead thread
            return error(request, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static ShipProtocol.Frame reply(ShipProtocol.Frame request, int type, byte[] body) {
        return new ShipProtocol.Frame(type, 0, request.requestId(), body);
    }

    private static ShipProtocol.Frame error(ShipProtocol.Frame request, String message) {
        String m = message.length() > 1000 ? message.substring(0, 1000) : message;
        ByteBuffer out = ByteBuffer.allocate(ShipProtocol.stringBytes(m));
        ShipProtocol.putString(out, m);
        return reply(request, ShipProtocol.ERROR, out.array());
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket s : connections) {
            closeQuietly(s);
        }
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
