package io.grantwatch.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.TopicSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The logic behind {@code grantwatch catalog ...}; the picocli class in the app only parses
 * arguments and calls these. Each method prints its result and returns the exit code: 0 ok,
 * 1 lint errors / nothing found / stale docs, 2 a catalog reference that cannot be used.
 */
public final class CatalogCli {
    public static final String BUNDLED = "bundled";

    private CatalogCli() {
    }

    /** A catalog by reference: {@code bundled}, a data folder, or a JSON file written by {@code export}. */
    public static Catalog resolve(String ref) {
        if (ref == null || ref.equals(BUNDLED)) {
            return CatalogLoader.loadBundled();
        }
        Path p = Path.of(ref);
        if (Files.isDirectory(p)) {
            return CatalogLoader.load(p);
        }
        if (Files.isRegularFile(p)) {
            try {
                return Json.wire().readValue(Files.readString(p, StandardCharsets.UTF_8), Catalog.class);
            } catch (IOException e) {
                throw new UncheckedIOException("Not a catalog export: " + p + ": " + e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("No catalog at " + ref + " (expected 'bundled', a folder of YAML files or an exported JSON file)");
    }

    public static int export(Catalog catalog, PrintStream out) {
        try {
            out.println(Json.wire().writerWithDefaultPrettyPrinter().writeValueAsString(catalog));
            return 0;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the catalog as JSON", e);
        }
    }

    /**
     * Lints a folder, or the shipped catalog when {@code dir} is null: the structural rules, then the
     * citation audit (every claim says only what its seed or vendor page says; see {@link CitationAudit}),
     * and prints the count of claims by source. Fails on any problem or any uncited claim. Without the
     * seed texts (a clone without {@code ../shared/seeds}) the text check is skipped with a notice.
     */
    public static int lint(Path dir, PrintStream out, PrintStream err) {
        return lint(dir, CitationAudit.locateSeeds().orElse(null), out, err);
    }

    /** As {@link #lint(Path, PrintStream, PrintStream)} with an explicit seed folder (null: none). */
    public static int lint(Path dir, Path seeds, PrintStream out, PrintStream err) {
        List<CatalogProblem> problems = dir == null ? CatalogLoader.lintBundled() : CatalogLoader.lint(dir);
        if (!problems.isEmpty()) {
            problems.forEach(p -> err.println(p));
            err.println(problems.size() + " problem(s)");
            return 1;
        }
        Catalog c = dir == null ? CatalogLoader.loadBundled() : CatalogLoader.load(dir);
        CitationAudit.Result audit = CitationAudit.audit(c, seeds);
        if (!audit.seedsFound()) {
            out.println("notice: seed texts not found (looked for -D" + CitationAudit.SEEDS_PROPERTY
                    + ", $GRANTWATCH_SEEDS, shared/seeds in this or a parent folder): the seed-text citation check is skipped");
        }
        out.println(audit.summary());
        int uncited = audit.claims(io.grantwatch.model.CitationKind.NONE);
        if (!audit.problems().isEmpty() || uncited > 0) {
            audit.problems().forEach(p -> err.println(p));
            err.println(audit.problems().size() + " mis-cited claim(s), " + uncited + " uncited claim(s)");
            return 1;
        }
        out.println("catalog " + c.version() + " is valid: " + CatalogStats.total(c).summary());
        for (Map.Entry<Cloud, CatalogStats> e : CatalogStats.perCloud(c).entrySet()) {
            out.println("  " + e.getKey().wire() + ": " + e.getValue().summary());
        }
        return 0;
    }

    public static int explain(Catalog catalog, String query, boolean json, PrintStream out) {
        CatalogExplainer.Explanation e = new CatalogExplainer(new CatalogIndex(catalog)).explain(query);
        if (json) {
            try {
                out.println(Json.wire().writerWithDefaultPrettyPrinter().writeValueAsString(e));
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("Cannot write the explanation as JSON", ex);
            }
        } else {
            out.print(CatalogExplainer.render(e));
        }
        return e.found() ? 0 : 1;
    }

    public static int diff(Catalog before, Catalog after, PrintStream out) {
        out.print(CatalogDiff.between(before, after).render());
        return 0;
    }

    public static int publish(Catalog catalog, Map<String, Object> clientConfig, TopicSpec<String, CatalogEntry> topic,
                              PrintStream out) {
        CatalogPublisher.Result r = new CatalogPublisher(clientConfig).publish(catalog, topic);
        if (r.upToDate()) {
            out.println("catalog " + r.version() + " is already on " + topic.name());
        } else {
            out.println("published catalog " + r.version() + " to " + topic.name() + ": " + r.written() + " records, "
                    + r.tombstoned().size() + " tombstones" + r.previousVersion().map(v -> " (was " + v + ")").orElse(""));
            r.tombstoned().forEach(k -> out.println("  removed " + k));
        }
        return 0;
    }

    /** Writes the Markdown document; with {@code check}, only reports whether the file is current. */
    public static int docs(Catalog catalog, Path target, boolean check, PrintStream out, PrintStream err) {
        String text = CatalogDocs.render(catalog);
        try {
            if (check) {
                String have = Files.isRegularFile(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
                if (!have.equals(text)) {
                    err.println(target + " is stale: run `grantwatch catalog docs`");
                    return 1;
                }
                out.println(target + " is current (" + catalog.version() + ")");
                return 0;
            }
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(target, text, StandardCharsets.UTF_8);
            out.println("wrote " + target + " (" + catalog.version() + ")");
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target, e);
        }
    }
}
