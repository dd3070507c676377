package io.grantwatch.ingest.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} open connections per remote address: a connection beyond that is closed as soon as
 * it opens, before anything is read from it. One address cannot take all of a server's connections
 * ({@link ServerLimits#maxConnections()}); clients behind one NAT address share its allowance.
 */
final class ClientConnectionLimit implements Connection.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnectionLimit.class);

    private final int max;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The connections counted in {@link #open} and their address (a refused one is not counted, nor subtracted). */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    ClientConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = address(connection);
        if (address == null) {
            return;
        }
        boolean[] admitted = new boolean[1];
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            admitted[0] = now < max;
            return admitted[0] ? now + 1 : (n == null ? null : n);
        });
        if (admitted[0]) {
            counted.put(connection, address);
            return;
        }
        long total = refused.incrementAndGet();
        if (total == 1 || total % 1000 == 0) {
            LOG.warn("Closed a connection from {}: it already has {} open (refused {} so far)", address.getHostAddress(), max, total);
        }
        connection.close();
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Open connections from {@code address}, as counted. */
    int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    long refused() {
        return refused.get();
    }

    private static InetAddress address(Connection connection) {
        SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
