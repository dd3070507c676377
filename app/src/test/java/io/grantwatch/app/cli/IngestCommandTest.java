package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.app.GrantWatch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code grantwatch ingest} at start: an unreachable Kafka, an invalid whsec_ key, secrets on the command line. */
@Timeout(60)
class IngestCommandTest {
    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private CommandLine cli() {
        CommandLine cli = GrantWatch.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldSayWithinSecondsThatKafkaDoesNotAnswerAsRunDoes() throws Exception {
        Path file = Files.writeString(dir.resolve("a.json"), "{}");
        String bootstrap = "127.0.0.1:" + freePort();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread ingest = new Thread(() -> exit.set(cli().execute("ingest", "-b", bootstrap, "--data-dir", dir.resolve("data").toString(),
                file.toString())), "ingest-under-test");
        ingest.setDaemon(true);
        long t0 = System.nanoTime();
        ingest.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> err.toString().contains("Cannot reach Kafka"));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("ingest with Kafka unreachable said after %d ms: %s%n", tookMs, err.toString().strip());
        ingest.interrupt();
        ingest.join(10_000);
        assertThat(err.toString()).contains("grantwatch ingest: Cannot reach Kafka at " + bootstrap)
                .contains("--bootstrap-servers");
        assertThat(tookMs).isLessThan(20_000);
    }

    @Test
    void shouldRefuseAWatchFolderThatDoesNotExistWithExit2NamingTheOption() {
        Path typo = dir.resolve("typo");
        int code = cli().execute("ingest", "-b", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString(),
                "--watch", typo.toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--watch " + typo + ": the folder does not exist");
    }

    @Test
    void shouldRefuseAnInvalidWhsecKeyAtStartWithExit2NamingTheSetting() throws Exception {
        Path key = Files.writeString(dir.resolve("hmac"), "whsec_" + Base64.getEncoder().encodeToString(
                "short".getBytes(StandardCharsets.UTF_8)));
        int code = cli().execute("ingest", "-b", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString(),
                "--http-port", "0", "--http-hmac-secret", "file:" + key);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("GRANTWATCH_HTTP_HMAC_SECRET").contains("at least 16")
                .doesNotContain(Files.readString(key).substring(6))
                .doesNotContain("warning"); // a file reference is no secret on the command line
        Files.writeString(key, "whsec_not*base64!");
        assertThat(cli().execute("ingest", "-b", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString(),
                "--http-port", "0", "--http-hmac-secret", "file:" + key)).isEqualTo(2);
        assertThat(err.toString()).contains("not valid base64").doesNotContain("not*base64");
    }

    @Test
    void shouldWarnOnceWithoutPrintingItWhenASecretIsGivenLiterallyOnTheCommandLine() {
        int code = cli().execute("ingest", "-b", "127.0.0.1:1", "--data-dir", dir.resolve("data").toString(),
                "--set", "kafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"pl41n-pw\";",
                "--http-port", "0", "--http-secret", "l1teral-s3cret", "--http-hmac-secret", "whsec_not*base64!");
        assertThat(code).isEqualTo(2); // the invalid key stops it before Kafka
        String text = err.toString();
        System.out.println(text);
        assertThat(text).contains("warning: --http-secret was given a secret on the command line")
                .contains("GRANTWATCH_HTTP_SECRET").contains("env:NAME or file:/path")
                .contains("warning: --set kafka.sasl.jaas.config was given a secret").contains("GRANTWATCH_KAFKA_SASL_JAAS_CONFIG")
                .doesNotContain("l1teral-s3cret").doesNotContain("pl41n-pw").doesNotContain("not*base64");
    }
}
