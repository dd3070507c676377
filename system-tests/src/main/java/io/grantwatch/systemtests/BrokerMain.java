package io.grantwatch.systemtests;

import io.grantwatch.app.runtime.EmbeddedKafka;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A broker that outlives the processes under test: {@code BrokerMain <dataDir> <port> <controllerPort>}
 * starts the product's {@link EmbeddedKafka} and prints {@code READY <bootstrap>} on stdout. SIGTERM
 * stops it cleanly (controlled shutdown); SIGKILL is the hard bounce. Restarting with the same data
 * directory and ports brings the same cluster back.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Path dir = Path.of(args[0]);
        int port = Integer.parseInt(args[1]);
        int controller = Integer.parseInt(args[2]);
        EmbeddedKafka kafka = EmbeddedKafka.start(new EmbeddedKafka.Settings(dir, port, controller, Map.of("group.initial.rebalance.delay.ms", "0")));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stop.countDown();
        }, "broker-shutdown"));
        out.println("READY " + kafka.bootstrapServers());
        stop.await();
    }
}
