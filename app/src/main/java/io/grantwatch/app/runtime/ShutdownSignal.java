package io.grantwatch.app.runtime;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a request to stop, so that the main thread shuts down in
 * order and the process exits 0 — a JVM killed through its shutdown hooks exits 143/130 instead.
 * A second signal while stopping falls back to the JVM's default (immediate exit).
 *
 * <p>{@code sun.misc.Signal} is reached by reflection, as Kafka's own {@code LoggingSignalHandler}
 * does: it is a supported JDK API (module jdk.unsupported), but javac warns about it and our build
 * treats warnings as errors. Where it is missing, a shutdown hook still stops everything.
 */
public final class ShutdownSignal {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignal.class);

    private final CountDownLatch latch = new CountDownLatch(1);
    private volatile String received;

    /** Installs handlers for TERM and INT; returns false (with a log line) where signals are unavailable. */
    public boolean install() {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Constructor<?> newSignal = signalClass.getConstructor(String.class);
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method getName = signalClass.getMethod("getName");
            Object defaultHandler = handlerClass.getField("SIG_DFL").get(null);
            for (String name : new String[] {"TERM", "INT"}) {
                Object signal = newSignal.newInstance(name);
                InvocationHandler onSignal = (proxy, method, args) -> {
                    if (!method.getName().equals("handle")) {
                        return method.invoke(this, args);
                    }
                    String which = (String) getName.invoke(args[0]);
                    synchronized (this) { // two signals at once (a process group's) count as first and second
                        if (received != null) {
                            // Second signal: stop waiting for a graceful shutdown.
                            handle.invoke(null, args[0], defaultHandler);
                            Runtime.getRuntime().halt(128 + (which.equals("INT") ? 2 : 15));
                        }
                        received = "SIG" + which;
                    }
                    LOG.info("Received SIG{}: shutting down (send it again to stop at once)", which);
                    latch.countDown();
                    return null;
                };
                Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
                handle.invoke(null, signal, handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Signal handlers not available; relying on shutdown hooks", e);
            return false;
        }
    }

    /** Asks to stop as a signal would (tests, or an internal fatal error). */
    public void trigger(String reason) {
        if (received == null) {
            received = reason;
        }
        latch.countDown();
    }

    /** Waits for a stop request; true when one came within the timeout. */
    public boolean await(Duration timeout) throws InterruptedException {
        return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String reason() {
        return received;
    }
}
