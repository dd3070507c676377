package io.grantwatch.catalog;

import io.grantwatch.model.Citation;
import io.grantwatch.model.CitationKind;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.catalog.ApiMapping;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.Erratum;
import io.grantwatch.model.catalog.ErrorCodeRule;
import io.grantwatch.model.catalog.ParameterHint;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.catalog.ServiceFallback;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that every claim says only what its source says, and counts claims by source kind.
 *
 * <p>A claim is a requirement (the grant it names), an identifier source ({@code nameSource}), what a
 * system policy covers, an API mapping, an error-code rule, a request hint and a service fallback. For a
 * requirement with a SEED citation the grant's value (an action, policy, role or principal; for an
 * activation or a denied-action row the service as the seed names it) must occur in the cited seed's text
 * after the seed's errata are applied, inside the cited section when the section can be found; a value
 * the seed does not print is accepted only when the seed's own words ({@code quote}) occur there and a
 * VENDOR_REFERENCE {@code nameSource} gives the identifier. A qualifier quote must occur too.
 *
 * <p>The seeds live beside the repository ({@code ../shared/seeds}), not in it: without them the text
 * check is skipped and {@link Result#seedsFound()} is false, so callers can say so.
 */
public final class CitationAudit {
    /** Where to look for the seed folder: {@code -Dgrantwatch.seeds}, {@code $GRANTWATCH_SEEDS}, then {@code shared/seeds} upward. */
    public static final String SEEDS_PROPERTY = "grantwatch.seeds";

    /** The outcome: problems (mis-citations), claims per source kind, and whether the seed texts were read. */
    public record Result(List<CatalogProblem> problems, Map<CitationKind, Integer> claims, boolean seedsFound, Path seeds) {
        public int claims(CitationKind kind) {
            return claims.getOrDefault(kind, 0);
        }

        public String summary() {
            return "claims by source: seed " + claims(CitationKind.SEED) + ", vendor reference " + claims(CitationKind.VENDOR_REFERENCE)
                    + ", none " + claims(CitationKind.NONE);
        }
    }

    private final Map<String, String> texts = new HashMap<>();
    private final Path seeds;
    private final List<CatalogProblem> problems = new ArrayList<>();
    private final Map<CitationKind, Integer> claims = new EnumMap<>(CitationKind.class);

    private CitationAudit(Path seeds) {
        this.seeds = seeds;
    }

    /** Audits with the seeds found from the working directory (or the property / environment variable). */
    public static Result audit(Catalog catalog) {
        return audit(catalog, locateSeeds().orElse(null));
    }

    /** Audits against the seed texts in {@code seeds}; null skips the text check. */
    public static Result audit(Catalog catalog, Path seeds) {
        CitationAudit a = new CitationAudit(seeds != null && Files.isDirectory(seeds) ? seeds : null);
        a.headingCache.putAll(sectionHeadings(catalog));
        for (CatalogArea area : catalog.areas()) {
            a.area(area);
        }
        for (CitationKind k : CitationKind.values()) {
            a.claims.putIfAbsent(k, 0);
        }
        return new Result(List.copyOf(a.problems), Map.copyOf(a.claims), a.seeds != null, a.seeds);
    }

    /** The seed folder: the system property, the environment variable, else {@code shared/seeds} in this or a parent folder. */
    public static Optional<Path> locateSeeds() {
        String configured = System.getProperty(SEEDS_PROPERTY, System.getenv("GRANTWATCH_SEEDS"));
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("seeds");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    private void area(CatalogArea area) {
        String file = area.id() + ".yaml";
        for (Scenario s : area.scenarios()) {
            for (Requirement r : s.requirements()) {
                requirement(file, area, r);
            }
        }
        for (ApiMapping m : area.apis()) {
            count(m.citation());
            String entry = "api " + m.service() + "/" + m.api();
            if (m.citation() != null && m.citation().kind() == CitationKind.SEED) {
                for (String action : m.actions()) {
                    expect(file, entry, "actions", area, m.citation(), action);
                }
            }
        }
        for (ErrorCodeRule e : area.errorCodes()) {
            count(e.citation());
        }
        for (ParameterHint h : area.hints()) {
            count(h.citation());
        }
        for (ServiceFallback f : area.fallbacks()) {
            count(f.citation());
        }
    }

    private void requirement(String file, CatalogArea area, Requirement r) {
        String entry = "requirement " + r.id();
        Citation c = r.citation();
        count(c);
        if (r.nameSource() != null) {
            count(r.nameSource());
        }
        if (!r.covers().isEmpty()) {
            count(r.coversCitation());
        }
        if (c == null || c.kind() != CitationKind.SEED) {
            return;
        }
        GrantType t = r.grant().type();
        String value = t == GrantType.SERVICE_ACTIVATION || t == GrantType.DENIED_ACTION ? r.service() : r.grant().value();
        Optional<String> section = sectionText(area, c);
        if (section.isEmpty()) {
            return;
        }
        boolean valueFound = contains(section.get(), value);
        boolean quoteFound = r.quote() != null && contains(section.get(), r.quote());
        if (r.quote() != null && !quoteFound) {
            problems.add(new CatalogProblem(file, 0, entry, "quote", "mis-cited: \"" + r.quote() + "\" does not occur in " + where(c)));
        }
        if (!valueFound) {
            boolean vendorNamed = quoteFound && r.nameSource() != null && r.nameSource().kind() == CitationKind.VENDOR_REFERENCE;
            if (!vendorNamed) {
                problems.add(new CatalogProblem(file, 0, entry, "grant.value", "mis-cited: \"" + value + "\" does not occur in " + where(c)
                        + (r.nameSource() == null ? "" : " (and the seed's own words are not there either)")));
            }
        }
    }

    private void expect(String file, String entry, String field, CatalogArea area, Citation c, String value) {
        Optional<String> section = sectionText(area, c);
        if (section.isPresent() && !contains(section.get(), value)) {
            problems.add(new CatalogProblem(file, 0, entry, field, "mis-cited: \"" + value + "\" does not occur in " + where(c)));
        }
    }

    private static String where(Citation c) {
        return c.seed() + " § " + c.section();
    }

    private void count(Citation c) {
        claims.merge(c == null ? CitationKind.NONE : c.kind(), 1, Integer::sum);
    }

    private static boolean contains(String text, String needle) {
        return needle != null && text.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
    }

    /**
     * The cited section's text: from the first occurrence of the section's last heading (found after its
     * parent headings) up to the next heading that any citation of this seed names; every occurrence of a
     * repeated heading (a scenario name repeated in several tables) counts. The whole seed when the heading
     * cannot be found. Empty when the seed folder is unknown.
     */
    private Optional<String> sectionText(CatalogArea area, Citation c) {
        String text = seedText(area, c.seed());
        if (text == null) {
            return Optional.empty();
        }
        String[] parts = c.section().split(" > ");
        int from = 0;
        for (int i = 0; i < parts.length - 1; i++) {
            int at = headingAt(text, parts[i].trim(), from);
            if (at >= 0) {
                from = at;
            }
        }
        String last = parts[parts.length - 1].trim();
        int at = headingAt(text, last, from);
        if (at < 0) {
            return Optional.of(text);
        }
        StringBuilder out = new StringBuilder();
        while (at >= 0) {
            int end = text.length();
            for (String h : headings(c.seed())) {
                if (h.equals(last)) {
                    continue;
                }
                int next = headingAt(text, h, at + last.length());
                if (next >= 0 && next < end) {
                    end = next;
                }
            }
            out.append(text, at, end).append('\n');
            at = headingAt(text, last, end);
        }
        return Optional.of(out.toString());
    }

    /** Per seed text: the start offset and the normalized content of every line (bullet and a trailing table "|" removed). */
    private final Map<String, List<Map.Entry<Integer, String>>> lineIndex = new HashMap<>();

    /** Where a heading is a line of its own (a table row name is followed by " |"), at or after {@code from}; -1 if nowhere. */
    private int headingAt(String text, String heading, int from) {
        List<Map.Entry<Integer, String>> lines = lineIndex.computeIfAbsent(text, t -> {
            List<Map.Entry<Integer, String>> out = new ArrayList<>();
            int start = 0;
            for (String line : t.split("\n", -1)) {
                String n = line.strip();
                if (n.startsWith("•")) {
                    n = n.substring(1).strip();
                }
                if (n.endsWith("|")) {
                    n = n.substring(0, n.length() - 1).strip();
                }
                out.add(Map.entry(start, n));
                start += line.length() + 1;
            }
            return out;
        });
        for (Map.Entry<Integer, String> l : lines) {
            if (l.getKey() >= from && l.getValue().equals(heading)) {
                return l.getKey();
            }
        }
        return -1;
    }

    private final Map<String, Set<String>> headingCache = new HashMap<>();

    private Set<String> headings(String seed) {
        return headingCache.getOrDefault(seed, Set.of());
    }

    /** The seed's text with its errata applied: each "says" is followed by what it "means", so both spellings are found. */
    private String seedText(CatalogArea area, String seed) {
        if (seeds == null || seed == null) {
            return null;
        }
        return texts.computeIfAbsent(seed + "|" + area.id(), k -> {
            Path p = seeds.resolve(seed);
            if (!Files.isRegularFile(p)) {
                problems.add(new CatalogProblem(area.id() + ".yaml", 0, "area " + area.id(), "citation.seed", "no seed file " + p));
                return "";
            }
            try {
                String text = Files.readString(p, StandardCharsets.UTF_8);
                for (Erratum e : area.errata()) {
                    if (seed.equals(e.seed()) && e.says() != null && e.means() != null) {
                        text = text.replace(e.says(), e.says() + " " + e.means());
                    }
                }
                return text;
            } catch (IOException ex) {
                throw new UncheckedIOException("Cannot read seed " + p, ex);
            }
        });
    }

    /** Collects, per seed, the last part of every section any citation names: the section boundaries. */
    static Map<String, Set<String>> sectionHeadings(Catalog catalog) {
        Map<String, Set<String>> out = new HashMap<>();
        for (CatalogArea a : catalog.areas()) {
            for (Scenario s : a.scenarios()) {
                add(out, s.citation());
                for (Requirement r : s.requirements()) {
                    add(out, r.citation());
                }
            }
        }
        return out;
    }

    private static void add(Map<String, Set<String>> out, Citation c) {
        if (c != null && c.kind() == CitationKind.SEED && c.section() != null) {
            String[] parts = c.section().split(" > ");
            out.computeIfAbsent(c.seed(), k -> new LinkedHashSet<>()).add(parts[parts.length - 1].trim());
        }
    }
}
