package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grantwatch.model.CitationKind;
import io.grantwatch.model.catalog.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The citation audit behind {@code catalog lint}: the shipped catalog has no uncited and no mis-cited
 * claim; a planted mis-citation and a planted uncited claim fail lint. The seed texts live beside the
 * repository, not in it: the tests that read them are skipped (not passed) without them.
 */
class CitationAuditTest {
    @TempDir
    Path dir;

    @BeforeEach
    void copyShippedCatalog() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/catalog"))) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
    }

    private static Path seedsOrSkip() {
        Optional<Path> seeds = CitationAudit.locateSeeds();
        assumeTrue(seeds.isPresent(), "seed texts (../shared/seeds) are not beside this clone");
        return seeds.get();
    }

    @Test
    void shouldFindNoMisCitedOrUncitedClaimInTheShippedCatalog() {
        Path seeds = seedsOrSkip();
        CitationAudit.Result r = CitationAudit.audit(CatalogLoader.loadBundled(), seeds);
        assertThat(r.seedsFound()).isTrue();
        assertThat(r.problems()).isEmpty();
        assertThat(r.claims(CitationKind.NONE)).isZero();
        assertThat(r.claims(CitationKind.SEED)).isGreaterThan(400);
        assertThat(r.claims(CitationKind.VENDOR_REFERENCE)).isPositive();
    }

    @Test
    void shouldSummarizeClaimsBySourceAndPassWhenTheShippedCatalogIsLinted() {
        Path seeds = seedsOrSkip();
        CatalogLint lint = CatalogLint.of(null, seeds);
        assertThat(lint.passed()).as("%s", lint.misCited()).isTrue();
        assertThat(lint.audit()).hasValueSatisfying(a -> assertThat(a.summary())
                .contains("claims by source: seed ").contains(", vendor reference ").contains(", none 0"));
    }

    @Test
    void shouldFailLintWhenARequirementCitesASectionThatDoesNotPrintItsAction() throws IOException {
        Path seeds = seedsOrSkip();
        // iam:credentials:listCredentials is printed under 训练管理 only; cite it to 全局配置 instead.
        edit("modelarts.yaml", "section: 功能依赖策略项 > 训练管理\n", "section: 功能依赖策略项 > 全局配置\n");
        CatalogLint lint = CatalogLint.of(dir, seeds);
        assertThat(lint.passed()).isFalse();
        assertThat(lint.misCited()).anySatisfy(p -> assertThat(p.toString()).contains("mis-cited").contains("功能依赖策略项 > 全局配置"));
    }

    @Test
    void shouldFailLintWhenAPolicyIsCitedToASeedThatNeverNamesIt() throws IOException {
        Path seeds = seedsOrSkip();
        edit("pai.yaml", "value: AliyunNASFullAccess\n", "value: AliyunNASSuperAccess\n");
        CitationAudit.Result r = CitationAudit.audit(CatalogLoader.load(dir), seeds);
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.toString()).contains("AliyunNASSuperAccess").contains("mis-cited"));
    }

    @Test
    void shouldRefuseAnUncitedClaimEvenWithoutSeeds() throws IOException {
        edit("pai.yaml", "    kind: VENDOR_REFERENCE\n", "    kind: NONE\n");
        CatalogLint lint = CatalogLint.of(dir, null);
        assertThat(lint.passed()).isFalse();
        assertThat(lint.problems()).anySatisfy(p -> assertThat(p.toString()).contains("uncited claim"));
    }

    @Test
    void shouldSkipTheSeedTextCheckWhenTheSeedsAreAbsent() {
        CatalogLint lint = CatalogLint.of(null, dir.resolve("no-such-seeds"));
        assertThat(lint.passed()).isTrue();
        assertThat(lint.audit()).hasValueSatisfying(a -> assertThat(a.seedsFound()).isFalse());
        Catalog c = CatalogLoader.loadBundled();
        assertThat(CitationAudit.audit(c, null).seedsFound()).isFalse();
    }

    @Test
    void shouldRefuseACoversListWithoutTheVendorPageThatListsIt() throws IOException {
        edit("pai.yaml", "      value: AliyunNASFullAccess\n", "      value: AliyunNASFullAccess\n    covers:\n    - nas:*\n");
        assertThat(CatalogLoader.lint(dir)).anySatisfy(p -> assertThat(p.toString()).contains("covers").contains("vendor page"));
    }

    @Test
    void shouldRefuseAWildcardGrantThatNoSeedCitationBacks() throws IOException {
        edit("pai.yaml", "    kind: VENDOR_REFERENCE\n", "    kind: VENDOR_REFERENCE\n");
        String text = Files.readString(dir.resolve("pai.yaml"), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("value: oss:*").doesNotContain("value: nas:*").doesNotContain("value: eventbridge:*");
    }

    private void edit(String file, String from, String to) throws IOException {
        Path p = dir.resolve(file);
        String text = Files.readString(p, StandardCharsets.UTF_8);
        int i = text.indexOf(from);
        assertThat(i).as("fixture text %s in %s", from, file).isGreaterThanOrEqualTo(0);
        Files.writeString(p, text.substring(0, i) + to + text.substring(i + from.length()), StandardCharsets.UTF_8);
    }
}
