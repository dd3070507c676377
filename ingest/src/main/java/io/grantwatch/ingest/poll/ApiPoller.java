package io.grantwatch.ingest.poll;

import io.grantwatch.ingest.IngestRunner;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.ingest.source.AuditSink;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cloud API poller: every {@code interval} it asks for the window {@code [checkpoint - overlap, now - lag)},
 * pages through it (NextToken / marker), sends every event and dead-letters what does not parse, and
 * moves the checkpoint to the window end only after Kafka acknowledged every page. The overlap
 * re-reads events at the window's edge (late-indexed events); their event ids make them duplicates the
 * detector ignores. The checkpoint is a small JSON file written atomically.
 */
public abstract class ApiPoller implements IngestRunner.Poller {
    private static final Logger LOG = LoggerFactory.getLogger(ApiPoller.class);

    /** One page: its body (the API's JSON) and the token of the next page (null on the last). */
    protected record Page(byte[] body, String next) {
    }

    /**
     * @param interval   time between polls
     * @param overlap    how far before the checkpoint each window starts
     * @param lag        how far behind now each window ends (the trail's indexing delay)
     * @param firstStart where the first window starts when there is no checkpoint yet, relative to now
     */
    public record Timing(Duration interval, Duration overlap, Duration lag, Duration firstStart) {
        public static Timing defaults() {
            return new Timing(Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(1), Duration.ofHours(1));
        }
    }

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final AuditSink sink;
    private final AuditParser parser = new AuditParser();
    private final Path checkpointFile;
    private final Timing timing;
    private final Clock clock;
    private volatile boolean stopped;

    protected ApiPoller(AuditSink sink, Path checkpointFile, Timing timing, Clock clock) {
        this.sink = sink;
        this.checkpointFile = checkpointFile;
        this.timing = timing;
        this.clock = clock;
    }

    /** Fetches one page of the window; {@code token} is null for the first page. */
    protected abstract Page fetch(Instant from, Instant to, String token) throws IOException, InterruptedException;

    protected abstract Hints hints();

    @Override
    public void run() {
        while (!stopped) {
            try {
                pollOnce();
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: poll failed, retrying at the next interval: {}", name(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(timing.interval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }

    /** One window, all its pages. Returns the number of events sent. */
    public int pollOnce() throws IOException, InterruptedException {
        Instant now = clock.instant();
        Instant checkpoint = readCheckpoint();
        Instant from = checkpoint == null ? now.minus(timing.firstStart()) : checkpoint.minus(timing.overlap());
        Instant to = now.minus(timing.lag());
        if (!to.isAfter(from)) {
            return 0;
        }
        String token = null;
        int page = 0;
        int events = 0;
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        do {
            Page p = fetch(from, to, token);
            String location = "api:" + name() + ":" + from + "/" + to + "#page" + page;
            AuditParser.Result r = parser.parse(p.body(), location, hints());
            for (AuditEvent e : r.events()) {
                acks.add(sink.send(name(), e));
            }
            for (RejectedRecord rej : r.rejected()) {
                acks.add(sink.deadLetter(name(), rej));
            }
            events += r.events().size();
            token = p.next() == null || p.next().isBlank() || p.next().equals(token) ? null : p.next();
            page++;
        } while (token != null && !stopped && page < 10_000);
        sink.flush();
        try {
            CompletableFuture.allOf(acks.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Kafka did not acknowledge the window " + from + "/" + to + "; it will be read again", e);
        }
        if (!stopped || token == null) {
            writeCheckpoint(to);
        }
        LOG.debug("{}: window {}..{}: {} pages, {} events", name(), from, to, page, events);
        return events;
    }

    private Instant readCheckpoint() throws IOException {
        if (!Files.exists(checkpointFile)) {
            return null;
        }
        Map<?, ?> m = Json.wire().readValue(checkpointFile.toFile(), Map.class);
        Object t = m.get("windowEnd");
        return t == null ? null : Instant.parse(t.toString());
    }

    private void writeCheckpoint(Instant windowEnd) throws IOException {
        Path dir = checkpointFile.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = checkpointFile.resolveSibling(checkpointFile.getFileName() + ".tmp");
        Json.wire().writeValue(tmp.toFile(), Map.of("windowEnd", windowEnd.toString()));
        Files.move(tmp, checkpointFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
