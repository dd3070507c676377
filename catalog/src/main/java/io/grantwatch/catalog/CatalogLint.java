package io.grantwatch.catalog;

import io.grantwatch.model.CitationKind;
import io.grantwatch.model.catalog.Catalog;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code catalog lint} finds: the structural problems of a folder (or the shipped catalog) and,
 * when there are none, the catalog and its citation audit ({@link CitationAudit}). It passes when
 * there is no problem of either kind and no uncited claim.
 *
 * @param problems structural problems; when any, {@code catalog} and {@code audit} are empty
 */
public record CatalogLint(List<CatalogProblem> problems, Optional<Catalog> catalog, Optional<CitationAudit.Result> audit) {

    /** Lints {@code dir} (null: the shipped catalog) against the seed texts in {@code seeds} (null: none). */
    public static CatalogLint of(Path dir, Path seeds) {
        List<CatalogProblem> problems = dir == null ? CatalogLoader.lintBundled() : CatalogLoader.lint(dir);
        if (!problems.isEmpty()) {
            return new CatalogLint(problems, Optional.empty(), Optional.empty());
        }
        Catalog c = dir == null ? CatalogLoader.loadBundled() : CatalogLoader.load(dir);
        return new CatalogLint(List.of(), Optional.of(c), Optional.of(CitationAudit.audit(c, seeds)));
    }

    public List<CatalogProblem> misCited() {
        return audit.map(CitationAudit.Result::problems).orElse(List.of());
    }

    public int uncited() {
        return audit.map(a -> a.claims(CitationKind.NONE)).orElse(0);
    }

    public boolean passed() {
        return problems.isEmpty() && misCited().isEmpty() && uncited() == 0;
    }
}
