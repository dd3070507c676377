package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CatalogLoader#resolve(String)}: the catalog references the commands take. */
class CatalogResolveTest {
    @TempDir
    Path tmp;

    @Test
    void shouldReadAJsonExportBackToTheSameCatalog() throws IOException {
        Path file = tmp.resolve("catalog.json");
        Json.wire().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), CatalogLoader.loadBundled());
        Catalog back = CatalogLoader.resolve(file.toString());
        assertThat(back).isEqualTo(CatalogLoader.loadBundled());
        assertThat(Json.wire().readTree(file.toFile()).get("version").asText()).isEqualTo(back.version());
    }

    @Test
    void shouldReadBundledAndAFolder() throws IOException {
        assertThat(CatalogLoader.resolve(CatalogLoader.BUNDLED)).isSameAs(CatalogLoader.loadBundled());
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/catalog"))) {
            for (Path p : s.toList()) {
                Files.copy(p, tmp.resolve(p.getFileName()));
            }
        }
        assertThat(CatalogLoader.resolve(tmp.toString()).areas()).isEqualTo(CatalogLoader.loadBundled().areas());
    }

    @Test
    void shouldRejectAMissingCatalogReference() {
        assertThatThrownBy(() -> CatalogLoader.resolve(tmp.resolve("nope").toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No catalog at");
    }
}
