package io.grantwatch.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.app.GrantWatch;
import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code grantwatch catalog ...}: what each subcommand prints and its exit code. */
class CatalogCommandTest {
    /** The shipped catalog's data files, copied to make broken folders. */
    private static final Path SHIPPED = Path.of("../catalog/src/main/resources/catalog");

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private CommandLine cli;

    @TempDir
    Path tmp;

    @BeforeEach
    void captureOutput() {
        cli = GrantWatch.commandLine();
        CatalogCommand catalog = cli.getSubcommands().get("catalog").getCommand();
        catalog.out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        catalog.err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldExportJsonThatReadsBackToTheSameCatalog() throws IOException {
        assertThat(cli.execute("catalog", "export")).isZero();
        Path file = tmp.resolve("catalog.json");
        Files.writeString(file, out());
        assertThat(CatalogLoader.resolve(file.toString())).isEqualTo(CatalogLoader.loadBundled());
    }

    @Test
    void shouldExitOneWithProblemsWhenLintingABrokenFolder() throws IOException {
        Path dir = copyCatalog("holder: USER", "holder: NOBODY");
        assertThat(cli.execute("catalog", "lint", dir.toString())).isEqualTo(1);
        assertThat(err()).contains("pai.yaml:").contains("holder: invalid value \"NOBODY\"").contains("1 problem(s)");
    }

    @Test
    void shouldExitOneAndNameTheUncitedClaimWhenAClaimCitesNothing() throws IOException {
        Path dir = copyCatalog("    kind: VENDOR_REFERENCE\n", "    kind: NONE\n");
        assertThat(cli.execute("catalog", "lint", dir.toString(), "--seeds", tmp.resolve("no-seeds").toString())).isEqualTo(1);
        assertThat(err()).contains("pai.yaml:").contains("uncited claim: no seed and no vendor page").contains("problem(s)");
    }

    @Test
    void shouldPrintANoticeAndCountsWhenLintingTheShippedCatalogWithoutSeeds() {
        assertThat(cli.execute("catalog", "lint", "--seeds", tmp.resolve("no-seeds").toString())).as(err()).isZero();
        assertThat(out()).contains("notice: seed texts not found").contains("claims by source: seed ").contains("is valid")
                .contains("alibaba:").contains("huawei:");
    }

    @Test
    void shouldExitOneWhenNothingNeedsTheQuery() throws IOException {
        assertThat(cli.execute("catalog", "explain", "foo:Bar")).isEqualTo(1);
        outBytes.reset();
        assertThat(cli.execute("catalog", "explain", "obs:object:GetObject", "--json")).isZero();
        assertThat(Json.wire().readTree(out()).get("query").asText()).isEqualTo("obs:object:GetObject");
    }

    @Test
    void shouldExitOneWhenDocsAreStaleAndZeroOnceWritten() throws IOException {
        Path doc = tmp.resolve("CATALOG.md");
        Files.writeString(doc, "old\n");
        assertThat(cli.execute("catalog", "docs", "--check", "-o", doc.toString())).isEqualTo(1);
        assertThat(err()).contains(doc + " is stale");
        assertThat(cli.execute("catalog", "docs", "-o", doc.toString())).isZero();
        assertThat(cli.execute("catalog", "docs", "--check", "-o", doc.toString())).isZero();
        assertThat(out()).contains("wrote " + doc).contains(doc + " is current");
    }

    @Test
    void shouldExitTwoWhenACatalogReferenceIsMissing() {
        assertThat(cli.execute("catalog", "diff", "bundled", tmp.resolve("nope").toString())).isEqualTo(2);
        assertThat(err()).contains("No catalog at");
    }

    /** A copy of the shipped catalog with the first {@code from} in pai.yaml replaced by {@code to}. */
    private Path copyCatalog(String from, String to) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("catalog"));
        try (Stream<Path> s = Files.list(SHIPPED)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Path pai = dir.resolve("pai.yaml");
        String text = Files.readString(pai, StandardCharsets.UTF_8);
        int i = text.indexOf(from);
        assertThat(i).as("fixture text %s", from).isNotNegative();
        Files.writeString(pai, text.substring(0, i) + to + text.substring(i + from.length()), StandardCharsets.UTF_8);
        return dir;
    }
}
