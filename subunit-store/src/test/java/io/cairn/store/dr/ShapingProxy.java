package io.cairn.store.dr;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A site link for tests, on loopback between a shipper and a receiver: it reads whole shipping
 * frames in both directions and, per frame, by the chances set, cuts the connection, delays the
 * frame (with jitter), sends it twice, holds it back behind the next one, sends only its first
 * part and cuts, flips one bit of it, or stalls. Faults can be changed while it runs.
 */
final class ShapingProxy implements Closeable {
    /** Per-frame chances of each fault (0..1) and the delay bounds. */
    record Faults(double cut, double delay, int maxDelayMillis, double duplicate, double reorder, double truncate,
                  double flip, double stall, int stallMillis) {
        static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    private volatile InetSocketAddress target;
    private final ServerSocket server;
    private final Random random;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Faults faults = Faults.NONE;
    private volatile boolean down;
    private volatile boolean closed;
    final AtomicLong framesForwarded = new AtomicLong();
    final AtomicLong faultsInjected = new AtomicLong();
    final AtomicLong flipped = new AtomicLong();
    final AtomicLong cuts = new AtomicLong();

    ShapingProxy(InetSocketAddress target, long seed) throws IOException {
        this.target = target;
        this.random = new Random(seed);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::accept, "shaping-proxy");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** New connections go to {@code to} (a receiver that came back on another port). */
    void retarget(InetSocketAddress to) {
        target = to;
    }

    void faults(Faults f) {
        faults = f;
    }

    /** Down: every connection is cut and new ones are refused (closed at once) until up again. */
    void down(boolean value) {
        down = value;
        if (value) {
            cutAll();
        }
    }

    private void cutAll() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // cutting
            }
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = server.accept();
                if (down) {
                    in.close();
                    continue;
                }
                Socket out = new Socket();
                out.connect(target, 5000);
                sockets.add(in);
                sockets.add(out);
                pump(in, out, "request");
                pump(out, in, "reply");
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] held = null;
            try {
                DataInputStream in = new DataInputStream(from.getInputStream());
                OutputStream out = to.getOutputStream();
                while (true) {
                    byte[] header = new byte[ShipProtocol.HEADER_BYTES];
                    in.readFully(header);
                    int length = ByteBuffer.wrap(header).getInt(16);
                    if (length < 0 || length > ShipProtocol.MAX_BODY_BYTES) {
                        throw new IOException("garbage through the proxy");
                    }
                    byte[] frame = new byte[ShipProtocol.HEADER_BYTES + length];
                    System.arraycopy(header, 0, frame, 0, header.length);
                    in.readFully(frame, header.length, length);
                    Faults f = faults;
                    double r;
                    synchronized (random) {
                        r = random.nextDouble();
                    }
                    double at = 0;
                    if (r < (at += f.cut())) {
                        faultsInjected.incrementAndGet();
                        cuts.incrementAndGet();
                        throw new IOException("cut");
                    } else if (r < (at += f.delay())) {
                        faultsInjected.incrementAndGet();
                        Thread.sleep(nextInt(f.maxDelayMillis() + 1));
                    } else if (r < (at += f.duplicate())) {
                        faultsInjected.incrementAndGet();
                        out.write(frame);
                    } else if (r < (at += f.reorder())) {
                        if (held == null) {
                            faultsInjected.incrementAndGet();
                            held = frame; // goes after the next frame
                            continue;
                        }
                    } else if (r < (at += f.truncate())) {
                        faultsInjected.incrementAndGet();
                        cuts.incrementAndGet();
                        out.write(frame, 0, 1 + nextInt(frame.length - 1));
                        out.flush();
                        throw new IOException("truncated");
                    } else if (r < (at += f.flip())) {
                        faultsInjected.incrementAndGet();
                        flipped.incrementAndGet();
                        int bit = nextInt(frame.length * 8);
                        frame[bit / 8] ^= (byte) (1 << (bit % 8));
                    } else if (r < (at += f.stall())) {
                        faultsInjected.incrementAndGet();
                        Thread.sleep(f.stallMillis());
                    }
                    out.write(frame);
                    if (held != null) {
                        out.write(held);
                        held = null;
                    }
                    out.flush();
                    framesForwarded.incrementAndGet();
                }
            } catch (IOException | InterruptedException e) {
                close(from);
                close(to);
            }
        }, "shaping-proxy-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private int nextInt(int bound) {
        synchronized (random) {
            return random.nextInt(Math.max(1, bound));
        }
    }

    private void close(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // gone
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cutAll();
    }
}
