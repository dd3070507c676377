package io.grantwatch.alerts.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in headless Chromium (Debian's {@code chromium}; skipped when absent) and
 * checks that the three charts were drawn and no script error or console error occurred.
 */
class HtmlReportChromiumTest {

    @Test
    void shouldRenderChartsWithoutConsoleErrorsWhenOpenedInChromium(@TempDir Path dir) throws Exception {
        String chromium = io.grantwatch.testkit.Chromium.require().toString();
        Path html = dir.resolve("report.html");
        Files.writeString(html, ReportRenderer.html(ReportRendererTest.report()), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0",
                "--user-data-dir=" + dir.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("dom.html").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        boolean done = p.waitFor(90, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done).as("chromium finished").isTrue();
        String dom = Files.readString(dir.resolve("dom.html"), StandardCharsets.UTF_8);
        String stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        List<String> console = stderr.lines().filter(l -> l.contains("CONSOLE")).toList();
        assertThat(console).as("console messages").noneMatch(l -> l.contains("Uncaught") || l.contains("Error") || l.contains(":ERROR:CONSOLE"));
        assertThat(dom).contains("data-charts=\"3\"").contains("data-errors=\"0\"");
        assertThat(dom).contains("id=\"total-open\"");
    }
}
