package io.grantwatch.bench.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Times one variant: the clock starts at the first input record processed (startup, rebalance and
 * restore excluded) and stops when the variant's completion condition holds (its N-th input
 * record processed). Process CPU time is sampled at both points.
 */
public final class Timer {
    private final AtomicLong count = new AtomicLong();
    private volatile long startNanos;
    private volatile long startCpu;
    private long endNanos;
    private long endCpu;

    /** Called by the processing thread for every input record. */
    public void tick() {
        if (count.incrementAndGet() == 1) {
            startCpu = cpu();
            startNanos = System.nanoTime();
        }
    }

    public long count() {
        return count.get();
    }

    /** Polls (1 ms) until done or the timeout; records the end. Returns whether done. */
    public boolean await(BooleanSupplier done, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                endNanos = System.nanoTime();
                endCpu = cpu();
                return false;
            }
            Thread.sleep(1);
        }
        endNanos = System.nanoTime();
        endCpu = cpu();
        return true;
    }

    public double seconds() {
        return (endNanos - startNanos) / 1e9;
    }

    public double cpuSeconds() {
        return (endCpu - startCpu) / 1e9;
    }

    static long cpu() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }
}
