package io.grantwatch.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM on the suite's classpath (which holds the whole product, so
 * {@code io.grantwatch.app.GrantWatch detect ...} is the real {@code grantwatch detect}). Output goes
 * to a log file (searched for leaked secrets). {@link #kill9()} is SIGKILL ({@code destroyForcibly}),
 * {@link #term()} SIGTERM; only processes this suite started are ever signalled, by their handle.
 */
final class Proc implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String name;

    private static final List<Process> STARTED = Collections.synchronizedList(new ArrayList<>());

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        STARTED.add(process);
    }

    /** On exit of the suite (also on SIGTERM): stops every child this suite started, by its handle. */
    static void terminateAll() {
        synchronized (STARTED) {
            for (Process p : STARTED) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }

    static Proc java(String name, Path log, List<String> jvmArgs, String mainClass, List<String> args) throws IOException {
        return java(name, log, jvmArgs, mainClass, args, Map.of(), List.of());
    }

    /**
     * As {@link #java(String, Path, List, String, List)}, with extra environment variables and a command prefix the JVM
     * is started through (e.g. {@code setpriv ...} to drop capabilities); the handle is the prefix's process, which execs.
     */
    static Proc java(String name, Path log, List<String> jvmArgs, String mainClass, List<String> args, Map<String, String> env,
                     List<String> prefix) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        // the product's logging (logback.xml), not the testkit's logback-test.xml that is on the same classpath
        cmd.add("-Dlogback.configurationFile=logback.xml");
        cmd.addAll(jvmArgs);
        cmd.add(mainClass);
        cmd.addAll(args);
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        return new Proc(name, pb.start(), log);
    }

    /** Waits until the log has a line starting with the prefix; returns that line. */
    String awaitLine(String prefix, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (Files.exists(log)) {
                try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
                    String line;
                    String found = null;
                    while ((line = r.readLine()) != null) {
                        if (line.startsWith(prefix) || line.contains(prefix)) {
                            found = line;
                        }
                    }
                    if (found != null) {
                        return found;
                    }
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " (log " + log + ")");
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(name + ": no '" + prefix + "' within " + timeoutMillis + " ms (log " + log + ")");
    }

    int countLines(String needle) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        int n = 0;
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            if (line.contains(needle)) {
                n++;
            }
        }
        return n;
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    void term() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The exit status once the process ended within the timeout, else null (it is left running). */
    Integer awaitExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** The whole log so far (ISO-8859-1, so any byte reads). */
    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    }

    boolean alive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            term();
        }
    }
}
