package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogCliTest {
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    @Test
    void shouldExportJsonThatReadsBackToTheSameCatalog() throws IOException {
        assertThat(CatalogCli.export(CatalogLoader.loadBundled(), out)).isZero();
        Path file = tmp.resolve("catalog.json");
        Files.writeString(file, outBytes.toString(StandardCharsets.UTF_8));
        Catalog back = CatalogCli.resolve(file.toString());
        assertThat(back).isEqualTo(CatalogLoader.loadBundled());
        assertThat(Json.wire().readTree(file.toFile()).get("version").asText()).isEqualTo(back.version());
    }

    @Test
    void shouldExitOneWithProblemsWhenLintingABrokenFolder() throws IOException {
        copyCatalog();
        Path pai = tmp.resolve("pai.yaml");
        Files.writeString(pai, Files.readString(pai).replaceFirst("holder: USER", "holder: NOBODY"));
        assertThat(CatalogCli.lint(tmp, out, err)).isEqualTo(1);
        assertThat(errBytes.toString(StandardCharsets.UTF_8)).contains("pai.yaml:").contains("holder: invalid value \"NOBODY\"")
                .contains("1 problem(s)");
    }

    @Test
    void shouldExitZeroWithCountsWhenLintingTheShippedCatalog() {
        assertThat(CatalogCli.lint(null, out, err)).isZero();
        assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("is valid").contains("alibaba:").contains("huawei:");
    }

    @Test
    void shouldExitOneWhenNothingNeedsTheQuery() {
        assertThat(CatalogCli.explain(CatalogLoader.loadBundled(), "foo:Bar", false, out)).isEqualTo(1);
        assertThat(CatalogCli.explain(CatalogLoader.loadBundled(), "obs:object:GetObject", true, out)).isZero();
    }

    @Test
    void shouldExitOneWhenDocsAreStale() throws IOException {
        Path doc = tmp.resolve("CATALOG.md");
        Files.writeString(doc, "old\n");
        Catalog c = CatalogLoader.loadBundled();
        assertThat(CatalogCli.docs(c, doc, true, out, err)).isEqualTo(1);
        assertThat(CatalogCli.docs(c, doc, false, out, err)).isZero();
        assertThat(CatalogCli.docs(c, doc, true, out, err)).isZero();
    }

    @Test
    void shouldRejectAMissingCatalogReference() {
        assertThatThrownBy(() -> CatalogCli.resolve(tmp.resolve("nope").toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No catalog at");
    }

    private void copyCatalog() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/catalog"))) {
            for (Path p : s.toList()) {
                Files.copy(p, tmp.resolve(p.getFileName()));
            }
        }
    }
}
