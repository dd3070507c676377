package io.grantwatch.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The real browser of the page tests. Where none is installed a test is skipped (a JUnit assumption,
 * reported as skipped, never as passed); under CI ({@code CI=true}, which .ci/run sets after
 * installing chromium and chromium-driver) a missing browser fails the test instead, so CI cannot go green without it.
 */
public final class Chromium {
    private Chromium() {
    }

    public static Path require() {
        Path chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (chromium == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true but no chromium is installed (.ci/run installs it): the browser tests cannot run");
        }
        Assumptions.assumeTrue(chromium != null, "Chromium is not installed (apt-get install chromium; .ci/run installs it)");
        return chromium;
    }

    /**
     * Chromium and its WebDriver (Debian's {@code chromium-driver} at /usr/bin/chromedriver), by the same rule: skipped
     * where either is missing, a failure under CI. Selenium is pointed at this file, so its manager never downloads one.
     */
    public static Path requireDriver() {
        require();
        Path driver = Stream.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        if (driver == null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail("CI=true but no chromedriver is installed (.ci/run installs chromium-driver): the browser tests cannot run");
        }
        Assumptions.assumeTrue(driver != null, "chromedriver is not installed (apt-get install chromium-driver; .ci/run installs it)");
        return driver;
    }
}
