package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.catalog.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/CATALOG.md is generated; this fails when it no longer matches the data (run `grantwatch catalog docs`). */
class CatalogDocsTest {
    static final Path DOC = Path.of("../docs/CATALOG.md");

    @Test
    void shouldMatchTheCommittedDocumentWhenDataUnchanged() throws IOException {
        Catalog catalog = CatalogLoader.loadBundled();
        String rendered = CatalogDocs.render(catalog);
        if (Boolean.getBoolean("grantwatch.docs.update")) {
            Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
        }
        assertThat(DOC).as("docs/CATALOG.md exists; regenerate with `grantwatch catalog docs` "
                + "or mvn -pl catalog test -Dtest=CatalogDocsTest -Dgrantwatch.docs.update=true").exists();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/CATALOG.md is stale: regenerate with `grantwatch catalog docs` "
                        + "or mvn -pl catalog test -Dtest=CatalogDocsTest -Dgrantwatch.docs.update=true")
                .isEqualTo(rendered);
    }

    @Test
    void shouldTellAStaleDocumentUntilItIsWritten(@TempDir Path tmp) throws IOException {
        Path doc = tmp.resolve("sub/CATALOG.md");
        Catalog c = CatalogLoader.loadBundled();
        assertThat(CatalogDocs.isCurrent(c, doc)).isFalse();
        Files.createDirectories(doc.getParent());
        Files.writeString(doc, "old\n");
        assertThat(CatalogDocs.isCurrent(c, doc)).isFalse();
        CatalogDocs.write(c, doc);
        assertThat(CatalogDocs.isCurrent(c, doc)).isTrue();
        CatalogDocs.write(c, tmp.resolve("new/folder/CATALOG.md"));
        assertThat(CatalogDocs.isCurrent(c, tmp.resolve("new/folder/CATALOG.md"))).isTrue();
    }

    @Test
    void shouldEscapeMarkdownInCatalogText() {
        assertThat(CatalogDocs.esc("a|b <script>*x*_y_ [l](u)\nz")).isEqualTo("a\\|b &lt;script&gt;\\*x\\*\\_y\\_ \\[l\\](u) z");
    }

    @Test
    void shouldRenderTheSameBytesTwice() {
        assertThat(CatalogDocs.render(CatalogLoader.loadBundled())).isEqualTo(CatalogDocs.render(CatalogLoader.loadBundled()));
    }
}
