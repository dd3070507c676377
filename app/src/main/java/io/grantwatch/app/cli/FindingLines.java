package io.grantwatch.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.Severity;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.ingest.Futures;
import io.grantwatch.model.Finding;
import io.grantwatch.model.json.Json;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * {@code scan}'s output: each finding as one JSON line with its severity and, unless there is no planner, its
 * remediation. Planning and rendering a remediation costs far more than detecting the finding did, and it comes after
 * the whole trail was read, when the reader threads are idle: {@link #write} renders batches of findings on
 * {@code threads} threads and hands the lines over in the findings' order, so the output is the same for any count.
 */
public final class FindingLines {
    /** Findings one task renders: enough to outweigh the hand-over, few enough to spread a small scan's findings. */
    static final int BATCH = 16;

    private final RemediationPlanner planner;
    private final int batch;

    /** @param planner null: findings without remediations ({@code --no-remediation}); must be safe to call from several threads */
    public FindingLines(RemediationPlanner planner) {
        this(planner, BATCH);
    }

    /** With {@code batch} findings a task (tests: a few findings spread over the threads). */
    FindingLines(RemediationPlanner planner, int batch) {
        this.planner = planner;
        this.batch = batch;
    }

    /** One finding's line: the wire JSON with {@code severity} and {@code remediation} (or {@code remediationError}). */
    public String line(Finding f) {
        ObjectNode node = Json.wire().valueToTree(f);
        node.put("severity", Severity.of(f).name());
        if (planner != null) {
            try {
                node.set("remediation", Json.wire().valueToTree(planner.plan(f)));
            } catch (RuntimeException e) {
                node.put("remediationError", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        // through the wire mapper: its escapes turn bidi, zero-width and C1 characters from event text into \\u escapes
        // (JsonNode.toString() writes them raw)
        try {
            return Json.wire().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every finding's {@link #line}, handed to {@code out} on the caller's thread in the findings' order; the lines are
     * rendered on {@code threads} threads (1: on the caller's), at most {@code 2 × threads} batches ahead. Returns how many.
     */
    public long write(Collection<Finding> findings, int threads, Consumer<String> out) {
        List<Finding> all = List.copyOf(findings);
        if (threads <= 1 || all.size() <= batch) {
            all.forEach(f -> out.accept(line(f)));
            return all.size();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "grantwatch-finding-lines");
            t.setDaemon(true); // never keeps a CLI alive
            return t;
        });
        try {
            ArrayDeque<Future<List<String>>> pending = new ArrayDeque<>();
            int next = 0;
            while (next < all.size() || !pending.isEmpty()) {
                while (next < all.size() && pending.size() < 2 * threads) {
                    List<Finding> some = all.subList(next, Math.min(all.size(), next + batch));
                    pending.add(pool.submit(() -> some.stream().map(this::line).toList()));
                    next += some.size();
                }
                done(pending.poll()).forEach(out);
            }
        } finally {
            pool.shutdownNow();
        }
        return all.size();
    }

    private static List<String> done(Future<List<String>> f) {
        return Futures.result(f, "writing findings");
    }
}
