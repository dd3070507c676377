package io.grantwatch.alerts.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {
    private final SecretResolver resolver = new SecretResolver(Map.of("SLACK_URL", "https://hooks.slack.com/services/T0/B0/xyz")::get);

    @Test
    void shouldResolveEnvAndMaskWhenPrinted() {
        Secret s = resolver.resolve("env:SLACK_URL");
        assertThat(s.reveal()).endsWith("/xyz");
        assertThat(s.toString()).isEqualTo("Secret[env:SLACK_URL]").doesNotContain("hooks");
        assertThat(s.redact("POST https://hooks.slack.com/services/T0/B0/xyz failed")).isEqualTo("POST *** failed");
    }

    @Test
    void shouldResolveFileAndStripNewline(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("key");
        Files.writeString(f, "SECabc\n");
        assertThat(resolver.resolve("file:" + f).reveal()).isEqualTo("SECabc");
    }

    @Test
    void shouldRefuseLiteralAndNotEchoItWhenNotAReference() {
        assertThatThrownBy(() -> resolver.resolve("SECliteral-value"))
                .hasMessageContaining("env:NAME or file:/path").hasMessageNotContaining("SECliteral-value");
        assertThatThrownBy(() -> resolver.resolve("env:MISSING")).hasMessageContaining("MISSING");
    }

    @org.junit.jupiter.api.Test
    void shouldRedactAWebhookUrlAlsoWhereOnlyItsPathIsEchoed() {
        Secret url = new SecretResolver(n -> "https://hooks.slack.com/services/T000/B000/Zq7CH04tokenWv8").resolve("env:SLACK_URL");

        assertThat(url.redact("channel refused: 404 no_service POST /services/T000/B000/Zq7CH04tokenWv8 HTTP/1.1"))
                .doesNotContain("Zq7CH04tokenWv8").contains("POST /***");
        assertThat(url.redact("posting to https://hooks.slack.com/services/T000/B000/Zq7CH04tokenWv8 failed"))
                .doesNotContain("Zq7CH04tokenWv8");
    }
}
