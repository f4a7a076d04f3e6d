package io.cairn.store.dr;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sending end of one shipping connection to a DR store: connects on first use, sends a batch
 * of requests pipelined and waits for a reply to each, matched by request id (a reply to a request
 * it is not waiting for, such as one a link repeated, is ignored). Any failure (connect, timeout,
 * a corrupt frame, the peer closing) closes the connection and throws; the next batch reconnects.
 * One shipper thread owns it; {@link #close} may come from another, and never waits for I/O.
 */
final class ShipLink implements Closeable {
    private final InetSocketAddress to;
    private final Duration timeout;
    /** Set and used by the owning thread; cleared by {@link #close} from any thread. */
    private volatile Socket socket;
    /** A connect in progress, so that {@link #close} can cut it short without waiting for it. */
    private volatile Socket connecting;
    private DataInputStream in;
    private OutputStream out;
    private long nextId = 1;
    private final AtomicLong connects = new AtomicLong();

    ShipLink(InetSocketAddress to, Duration timeout) {
        this.to = to;
        this.timeout = timeout;
    }

    InetSocketAddress address() {
        return to;
    }

    /** Connections made so far (the first one and every reconnect). */
    long connects() {
        return connects.get();
    }

    /** A request frame with the next request id. */
    ShipProtocol.Frame request(int type, int flags, byte[] body) {
        return new ShipProtocol.Frame(type, flags, nextId++, body);
    }

    /** Sends every request, then returns their replies in request order; an ERROR reply throws. */
    ShipProtocol.Frame[] exchange(List<ShipProtocol.Frame> requests) throws IOException {
        try {
            connect();
            for (ShipProtocol.Frame r : requests) {
                ShipProtocol.write(out, r);
            }
            out.flush();
            Map<Long, Integer> waiting = new HashMap<>();
            for (int i = 0; i < requests.size(); i++) {
                waiting.put(requests.get(i).requestId(), i);
            }
            ShipProtocol.Frame[] replies = new ShipProtocol.Frame[requests.size()];
            while (!waiting.isEmpty()) {
                ShipProtocol.Frame reply = ShipProtocol.read(in);
                Integer index = waiting.remove(reply.requestId());
                if (index == null) {
                    continue; // a reply to a repeated or earlier request
                }
                if (reply.type() == ShipProtocol.ERROR) {
                    throw new IOException("DR store " + to + " refused: "
                            + ShipProtocol.getString(ByteBuffer.wrap(reply.body())));
                }
                replies[index] = reply;
            }
            return replies;
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("bad reply from " + to + ": " + e, e);
        }
    }

    /** Connects if not connected; holds no lock while it blocks. */
    private void connect() throws IOException {
        if (socket != null) {
            return;
        }
        Socket s = new Socket();
        connecting = s;
        try {
            s.connect(to, Math.toIntExact(timeout.toMillis()));
            s.setSoTimeout(Math.toIntExact(timeout.toMillis()));
            s.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
        } catch (IOException e) {
            s.close();
            throw e;
        } finally {
            connecting = null;
        }
        socket = s;
        connects.incrementAndGet();
    }

    /**
     * Closes the connection, or a connect in progress; also from the shipper's close, to wake a
     * thread blocked connecting or reading (the shipper closes again after that thread stopped, for
     * a connection it made in between).
     */
    @Override
    public void close() {
        closeQuietly(connecting);
        Socket s = socket;
        socket = null;
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
