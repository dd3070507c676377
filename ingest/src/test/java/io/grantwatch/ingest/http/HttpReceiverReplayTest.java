package io.grantwatch.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.ingest.Fixtures;
import io.grantwatch.ingest.IngestRunner;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.source.MemorySink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A signed request captured before a restart of the receiver is still refused after it. */
@Timeout(60)
class HttpReceiverReplayTest {
    static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("replay-k3y-0123456789".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path data;

    private final MemorySink sink = new MemorySink();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private int post(int port, byte[] body, String id, long ts) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
                .timeout(Duration.ofSeconds(5))
                .header(HttpReceiver.ID_HEADER, id)
                .header(HttpReceiver.TIMESTAMP_HEADER, Long.toString(ts))
                .header(HttpReceiver.SIGNATURE_HEADER, HttpReceiver.signature(SECRET, id, ts, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private HttpReceiver receiver(Path state) throws IOException {
        return new HttpReceiver(HttpReceiver.Config.of(0, null, SECRET).withStateDir(state), new AuditParser(), sink).start();
    }

    @Test
    void shouldRefuseASignedRequestReplayedAfterTheReceiverRestarted() throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        long ts = Instant.now().getEpochSecond();
        try (HttpReceiver first = receiver(data)) {
            assertThat(post(first.port(), body, "msg_captured", ts)).isEqualTo(200);
        }
        try (HttpReceiver second = receiver(data)) {
            // the same bytes again, well within the 5-minute window
            assertThat(post(second.port(), body, "msg_captured", ts)).isEqualTo(401);
            assertThat(post(second.port(), body, "msg_new", ts)).isEqualTo(200);
        }
        try (HttpReceiver third = receiver(data)) {
            assertThat(post(third.port(), body, "msg_captured", ts)).isEqualTo(401);
            assertThat(post(third.port(), body, "msg_new", ts)).isEqualTo(401);
        }
        assertThat(sink.events).hasSize(2);
    }

    @Test
    void shouldAnswerTheSendersReSignedRetryOfAStoredPushAlreadyAcceptedWithoutStoringItAgain() throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        long ts = Instant.now().getEpochSecond();
        try (HttpReceiver first = receiver(data)) {
            assertThat(post(first.port(), body, "msg_lost_answer", ts)).isEqualTo(200); // stored; the sender never saw the 200
        }
        try (HttpReceiver second = receiver(data)) {
            // Standard Webhooks senders sign each attempt with its own time: the retry is not the captured request
            assertThat(post(second.port(), body, "msg_lost_answer", ts + 3)).isEqualTo(200);
            // the captured request itself (same id, same timestamp) is still a replay
            assertThat(post(second.port(), body, "msg_lost_answer", ts)).isEqualTo(401);
        }
        assertThat(sink.events).as("stored once").hasSize(1);
    }

    @Test
    void shouldTakeTheSendersRetryWithTheSameIdWhenKafkaDidNotAcknowledgeTheFirstAttemptAlsoAfterARestart() throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        long ts = Instant.now().getEpochSecond();
        try (HttpReceiver first = receiver(data)) {
            sink.failing = true;
            assertThat(post(first.port(), body, "msg_retried", ts)).isEqualTo(503);
            sink.failing = false;
            // Standard Webhooks senders retry with the same webhook-id: not a replay, the first was not stored
            assertThat(post(first.port(), body, "msg_retried", ts)).isEqualTo(200);
            sink.failing = true;
            assertThat(post(first.port(), body, "msg_after_restart", ts)).isEqualTo(503);
        }
        sink.failing = false;
        try (HttpReceiver second = receiver(data)) {
            assertThat(post(second.port(), body, "msg_after_restart", ts)).isEqualTo(200);
            assertThat(post(second.port(), body, "msg_retried", ts)).isEqualTo(401); // stored once: now it is a replay
        }
    }

    @Test
    void shouldKeepTheIdsWithTheCheckpointsWhenIngestRunnerRunsTheReceiver() throws Exception {
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        long ts = Instant.now().getEpochSecond();
        Path checkpoints = data.resolve("checkpoints");
        IngestRunner.Settings settings = new IngestRunner.Settings(List.of(), List.of(), checkpoints, Duration.ofSeconds(1),
                Duration.ofSeconds(1), HttpReceiver.Config.of(0, null, SECRET), List.of());
        try (IngestRunner runner = new IngestRunner(settings, sink)) {
            runner.start();
            assertThat(post(runner.httpPort(), body, "msg_runner", ts)).isEqualTo(200);
        }
        assertThat(checkpoints.resolve(ReplayCache.JOURNAL)).exists();
        try (IngestRunner runner = new IngestRunner(settings, sink)) {
            runner.start();
            assertThat(post(runner.httpPort(), body, "msg_runner", ts)).isEqualTo(401);
        }
        assertThat(sink.events).hasSize(1);
    }

    @Test
    void shouldRefuseToShareItsStateFolderWithAnotherReceiver() throws Exception {
        try (HttpReceiver first = receiver(data)) {
            assertThatThrownBy(() -> receiver(data)).isInstanceOf(IOException.class).hasMessageContaining("another HTTP receiver");
        }
        receiver(data).close(); // the lock went with the first
    }

    @Test
    void shouldForgetExpiredIdsAndKeepTheJournalBounded() throws Exception {
        long now = 1_800_000_000L;
        try (ReplayCache cache = ReplayCache.persistent(data, 1000, now)) {
            for (int i = 0; i < 20_000; i++) {
                // each id lives 300 s; time moves a second every 10 ids, so about 3000 are alive at a time
                long t = now + i / 10;
                assertThat(cache.remember("id-" + i, t + 300, t)).isTrue();
            }
            assertThat(cache.size()).isLessThanOrEqualTo(1000);
        }
        List<String> lines = Files.readAllLines(data.resolve(ReplayCache.JOURNAL));
        // rewritten with the live ids whenever dead lines outnumber them: never more than a few thousand lines
        assertThat(lines.size()).isLessThanOrEqualTo(3000);
        long later = now + 2000;
        try (ReplayCache reloaded = ReplayCache.persistent(data, 1000, later)) {
            assertThat(reloaded.seen("id-19999", later)).isTrue();
            assertThat(reloaded.seen("id-10", later)).isFalse();
            assertThat(reloaded.size()).isEqualTo(1000);
        }
        try (ReplayCache expired = ReplayCache.persistent(data, 1000, now + 10_000)) {
            assertThat(expired.size()).isZero();
        }
    }

    @Test
    void shouldReadAJournalWhoseLastLineWasCutByACrash() throws Exception {
        long now = 1_800_000_000L;
        Files.writeString(data.resolve(ReplayCache.JOURNAL), (now + 300) + " msg_a\n" + (now + 300) + " msg b with spaces\n"
                + (now + 3));
        try (ReplayCache cache = ReplayCache.persistent(data, 1000, now)) {
            assertThat(cache.seen("msg_a", now)).isTrue();
            assertThat(cache.seen("msg b with spaces", now)).isTrue();
            assertThat(cache.size()).isEqualTo(2);
        }
    }

    @Test
    void shouldTreatAnIdAsNewAgainOnceItsWindowHasPassed() throws Exception {
        // the receiver's clock moved past the tolerance: the timestamp check refuses the old request anyway
        byte[] body = Files.readAllBytes(Fixtures.path("alibaba/eventbridge-cloudevent.json"));
        long ts = Instant.now().getEpochSecond();
        try (HttpReceiver first = receiver(data)) {
            assertThat(post(first.port(), body, "msg_old", ts)).isEqualTo(200);
        }
        Clock later = Clock.fixed(Instant.ofEpochSecond(ts + 400), ZoneOffset.UTC);
        try (HttpReceiver second = new HttpReceiver(HttpReceiver.Config.of(0, null, SECRET).withStateDir(data),
                new AuditParser(), sink, later).start()) {
            assertThat(post(second.port(), body, "msg_old", ts)).isEqualTo(401);
            assertThat(post(second.port(), body, "msg_old", ts + 400)).isEqualTo(200);
        }
    }
}
