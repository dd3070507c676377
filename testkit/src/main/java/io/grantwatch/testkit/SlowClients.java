package io.grantwatch.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real sockets on loopback that hold an HTTP server's connections the way a slow-header ("slowloris")
 * client does: each sends the start of a request and then one byte a second, never finishing its
 * headers; or connects and sends nothing. The connections come from addresses of 127.0.0.0/8 given by
 * the test (Linux answers the whole range on loopback), so a server's per-address limits can be kept
 * out of the way or aimed at. Everything stops when closed; a test bounds its own time.
 */
public final class SlowClients implements AutoCloseable {
    private static final byte[] TRICKLE = "X-Slow: ".getBytes(StandardCharsets.US_ASCII);

    private final List<SocketChannel> all = new CopyOnWriteArrayList<>();
    private final List<Trickler> trickling = new CopyOnWriteArrayList<>();
    private final AtomicLong ticks = new AtomicLong();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slow-clients");
        t.setDaemon(true);
        return t;
    });

    private static final class Trickler {
        final SocketChannel socket;
        int sent;
        boolean closed;

        Trickler(SocketChannel socket) {
            this.socket = socket;
        }
    }

    public SlowClients() {
        ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** {@code 127.a.b.c}. */
    public static InetAddress loopback(int a, int b, int c) {
        try {
            return InetAddress.getByAddress(new byte[] {127, (byte) a, (byte) b, (byte) c});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code n} loopback addresses {@code 127.0.<third>.1} to {@code 127.0.<third>.n}. */
    public static List<InetAddress> addresses(int third, int n) {
        List<InetAddress> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(loopback(0, third, i));
        }
        return out;
    }

    /**
     * Opens {@code n} connections to 127.0.0.1:{@code port}, from {@code from} in turn; each sends
     * {@code head} (the start of a request, without the blank line that ends its headers) and then one
     * byte of a header line a second.
     */
    public SlowClients slowHeaders(int port, int n, String head, List<InetAddress> from) {
        for (int i = 0; i < n; i++) {
            SocketChannel s = connect(from.get(i % from.size()), port);
            try {
                s.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                continue; // refused by the server: counted by open()
            }
            trickling.add(new Trickler(s));
        }
        return this;
    }

    /** Opens {@code n} connections that send nothing. */
    public SlowClients idle(int port, int n, List<InetAddress> from) {
        for (int i = 0; i < n; i++) {
            connect(from.get(i % from.size()), port);
        }
        return this;
    }

    /** A connection from {@code from}, non-blocking once connected. */
    private SocketChannel connect(InetAddress from, int port) {
        try {
            SocketChannel s = SocketChannel.open();
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            s.configureBlocking(false);
            all.add(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect from " + from + " to port " + port, e);
        }
    }

    /** Waits (at most 3 s) until every trickling connection has sent one more byte. */
    public void awaitTick() throws InterruptedException {
        long seen = ticks.get();
        long until = System.nanoTime() + 3_000_000_000L;
        while (ticks.get() == seen && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    private void tick() {
        tickOnce();
        ticks.incrementAndGet();
    }

    private void tickOnce() {
        for (Trickler t : trickling) {
            synchronized (t) {
                if (t.closed) {
                    continue;
                }
                try {
                    byte b = t.sent < TRICKLE.length ? TRICKLE[t.sent] : (byte) 'a';
                    t.socket.write(ByteBuffer.wrap(new byte[] {b}));
                    t.sent++;
                } catch (IOException e) {
                    t.closed = true;
                }
            }
        }
    }

    /** How many connections opened here the server still holds open (read times out instead of ending). */
    public int open() {
        int open = 0;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        for (SocketChannel s : all) {
            if (stillOpen(s, buf)) {
                open++;
            }
        }
        return open;
    }

    /** Whether the server still holds {@code s} open: a non-blocking read finds neither the end nor a reset. */
    private static boolean stillOpen(SocketChannel s, ByteBuffer buf) {
        if (!s.isOpen()) {
            return false;
        }
        try {
            buf.clear();
            return s.read(buf) >= 0; // 0: nothing yet; more: the server answered something but did not close (yet)
        } catch (IOException e) {
            return false;
        }
    }

    public int count() {
        return all.size();
    }

    /** An answer: its status (-1 when the server closed or timed out without one), body and how long it took. */
    public record Answer(int status, String head, String body, Duration elapsed, String failure) {
        /** {@code "200 within 2 s"} when answered in time, else what happened: for one assertion over several answers. */
        public String within(Duration limit) {
            if (status < 0) {
                return toString();
            }
            return elapsed.compareTo(limit) < 0 ? status + " within " + limit.toSeconds() + " s"
                    : status + " after " + elapsed.toMillis() + " ms";
        }

        @Override
        public String toString() {
            return status < 0 ? "no answer after " + elapsed.toMillis() + " ms (" + failure + ")"
                    : "HTTP " + status + " after " + elapsed.toMillis() + " ms: " + body;
        }
    }

    /**
     * One whole request on a new connection from {@code from} to 127.0.0.1:{@code port} (a raw socket, so
     * the source address can be chosen), reading the answer for at most {@code timeout}.
     */
    public static Answer exchange(InetAddress from, int port, String head, byte[] body, Duration timeout) {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(s.getInputStream(), t0, timeout);
        } catch (IOException e) {
            return new Answer(-1, "", "", Duration.ofNanos(System.nanoTime() - t0), e.toString());
        }
    }

    /** Reads one answer (status line, headers, a Content-Length body or up to the end). */
    public static Answer read(InputStream in, long t0, Duration timeout) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        int state = 0;
        while (state < 4 && (c = in.read()) >= 0) {
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        if (state < 4 || !h.startsWith("HTTP/1.")) {
            return new Answer(-1, h, "", Duration.ofNanos(System.nanoTime() - t0), "connection ended: " + h);
        }
        int status = Integer.parseInt(h.substring(9, 12));
        long length = -1;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        byte[] body = length >= 0 ? in.readNBytes((int) length) : new byte[0];
        return new Answer(status, h, new String(body, StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t0), null);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (SocketChannel s : all) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
