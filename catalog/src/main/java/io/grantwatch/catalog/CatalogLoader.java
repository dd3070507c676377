package io.grantwatch.catalog;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads catalog data files (one {@link CatalogArea} per YAML file) with the strict mapper,
 * validates them together and stamps the version. Every problem of every file is collected; a
 * catalog with any problem is never returned.
 *
 * <p>The shipped catalog lives on the classpath under {@code catalog/}; {@code catalog/catalog.properties}
 * lists its files ({@code files=}) and the catalog date ({@code date=}). A folder may carry the same
 * properties file for its date; without it the date is the newest file's modification day (UTC).
 */
public final class CatalogLoader {
    /** The reference {@link #resolve(String)} reads as the shipped catalog. */
    public static final String BUNDLED = "bundled";
    static final String BUNDLED_DIR = "catalog/";
    static final String PROPERTIES = "catalog.properties";
    /** The strict YAML mapper, plus duplicate-key detection: a repeated key would silently overwrite the first. */
    private static final ObjectReader READER = Json.strictYaml().readerFor(CatalogArea.class)
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private static volatile Catalog bundled;

    private CatalogLoader() {
    }

    /** The catalog shipped in this jar, loaded and validated once (it is immutable). */
    public static Catalog loadBundled() {
        Catalog c = bundled;
        if (c == null) {
            synchronized (CatalogLoader.class) {
                c = bundled;
                if (c == null) {
                    // A broken shipped catalog throws CatalogException on every call, never a half-initialized class.
                    c = readBundled();
                    bundled = c;
                }
            }
        }
        return c;
    }

    private static Catalog readBundled() {
        Properties props = bundledProperties();
        List<RawFile> files = new ArrayList<>();
        for (String name : props.getProperty("files", "").split(",")) {
            String file = name.trim();
            if (file.isEmpty()) {
                continue;
            }
            try (InputStream in = resource(BUNDLED_DIR + file)) {
                files.add(new RawFile(file, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read bundled catalog file " + file, e);
            }
        }
        return build(files, LocalDate.parse(props.getProperty("date").trim()));
    }

    /**
     * A catalog by reference: {@link #BUNDLED} (or null), a data folder, or a JSON file written by
     * {@code catalog export}. Throws IllegalArgumentException when nothing is there.
     */
    public static Catalog resolve(String ref) {
        if (ref == null || ref.equals(BUNDLED)) {
            return loadBundled();
        }
        Path p = Path.of(ref);
        if (Files.isDirectory(p)) {
            return load(p);
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

    /** Loads every {@code *.yaml}/{@code *.yml} file of a folder. */
    public static Catalog load(Path dir) {
        List<RawFile> files = readDir(dir);
        return build(files, dateOf(dir));
    }

    /** Problems of a folder's catalog (empty when it is clean); never throws for bad content. */
    public static List<CatalogProblem> lint(Path dir) {
        try {
            load(dir);
            return List.of();
        } catch (CatalogException e) {
            return e.problems();
        }
    }

    /** Problems of the shipped catalog (read afresh, not the cached copy). */
    public static List<CatalogProblem> lintBundled() {
        try {
            readBundled();
            return List.of();
        } catch (CatalogException e) {
            return e.problems();
        }
    }

    /** Parses and validates in-memory files; the date is part of the version. */
    static Catalog build(List<RawFile> files, LocalDate date) {
        List<CatalogProblem> problems = new ArrayList<>();
        List<CatalogValidator.Parsed> parsed = new ArrayList<>();
        if (files.isEmpty()) {
            problems.add(new CatalogProblem("(catalog)", 0, "catalog", "", "no catalog data files (*.yaml) found"));
        }
        for (RawFile f : files) {
            SourceFile src = new SourceFile(f.name(), f.text());
            try {
                CatalogArea area = READER.readValue(f.text());
                if (area == null) {
                    problems.add(new CatalogProblem(f.name(), 0, "area ?", "", "empty file"));
                } else {
                    parsed.add(new CatalogValidator.Parsed(src, area));
                }
            } catch (JsonProcessingException e) {
                problems.add(parseProblem(f, e));
            }
        }
        problems.addAll(CatalogValidator.validate(parsed));
        if (!problems.isEmpty()) {
            throw new CatalogException(problems);
        }
        List<CatalogArea> areas = parsed.stream().map(CatalogValidator.Parsed::area)
                .sorted(Comparator.comparing(CatalogArea::id)).toList();
        return new Catalog(CatalogVersion.of(areas, date), areas);
    }

    /** Turns a Jackson error into file, line, entry (named by its id when the tree can be read) and field. */
    static CatalogProblem parseProblem(RawFile f, JsonProcessingException e) {
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : Math.max(loc.getLineNr(), 0);
        String entry = "area ?";
        String field = "";
        String message = firstLine(e.getOriginalMessage());
        if (e instanceof JsonMappingException jme) {
            JsonNode tree = null;
            try {
                tree = Json.strictYaml().readTree(f.text());
            } catch (IOException ignored) {
                // the tree is only used to name the entry
            }
            String[] named = nameEntry(tree, jme.getPath());
            entry = named[0];
            field = named[1];
            if (entry.endsWith(" ?") && line > 0) {
                entry = entryNear(f, line);
            }
            if (jme instanceof UnrecognizedPropertyException upe) {
                // With records Jackson reports the end of the object; point at the misspelt key instead.
                int textual = lineInText(new SourceFile(f.name(), f.text()), entry, field);
                line = textual > 0 ? textual : line;
                TreeSet<String> known = new TreeSet<>();
                upe.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
                message = "unknown field \"" + upe.getPropertyName() + "\" (expected one of: " + String.join(", ", known) + ")";
            } else if (jme instanceof InvalidFormatException ife) {
                Class<?> target = ife.getTargetType();
                message = "invalid value \"" + ife.getValue() + "\"" + (target != null && target.isEnum()
                        ? " (expected one of: " + Arrays.stream(target.getEnumConstants()).map(String::valueOf)
                        .collect(Collectors.joining(", ")) + ")" : "");
            } else if (jme instanceof ValueInstantiationException vie && vie.getCause() instanceof NullPointerException npe) {
                String missing = npe.getMessage() == null ? "?" : npe.getMessage();
                field = field.isEmpty() ? missing : field + "." + missing;
                message = "missing";
            }
        } else {
            entry = line > 0 ? entryNear(f, line) : "area ?";
            message = (message.startsWith("Duplicate field") ? "" : "YAML syntax error: ") + message;
        }
        return new CatalogProblem(f.name(), line, entry, field, message);
    }

    /** Names the entry by the closest id above the line: requirement ids hold a slash, scenario ids a dot. */
    private static String entryNear(RawFile f, int line) {
        String id = new SourceFile(f.name(), f.text()).idAtOrBefore(line);
        return id == null ? "area ?" : (id.contains("/") ? "requirement " : id.contains(".") ? "scenario " : "area ") + id;
    }

    private static int lineInText(SourceFile src, String entry, String field) {
        int space = entry.indexOf(' ');
        String kind = space < 0 ? entry : entry.substring(0, space);
        String id = space < 0 ? "" : entry.substring(space + 1);
        int entryLine;
        if (kind.equals("scenario") || kind.equals("requirement")) {
            entryLine = src.lineOfId(id, 0);
        } else if (kind.endsWith("]")) {
            int b = kind.indexOf('[');
            entryLine = src.lineOfListItem(kind.substring(0, b), Integer.parseInt(kind.substring(b + 1, kind.length() - 1)));
        } else {
            entryLine = 1;
        }
        return src.lineOfField(entryLine, field);
    }

    /** Walks the Jackson path through the tree: {@code scenarios[2].requirements[0].grnt} → entry + field. */
    private static String[] nameEntry(JsonNode tree, List<JsonMappingException.Reference> path) {
        String entry = "area " + text(tree, "id");
        StringBuilder field = new StringBuilder();
        JsonNode node = tree;
        String pendingList = null;
        for (JsonMappingException.Reference ref : path) {
            if (ref.getFieldName() != null) {
                String name = ref.getFieldName();
                if (field.length() > 0) {
                    field.append('.');
                }
                field.append(name);
                node = node == null ? null : node.get(name);
                pendingList = name;
            } else if (ref.getIndex() >= 0) {
                int i = ref.getIndex();
                node = node == null ? null : node.get(i);
                if ("scenarios".equals(pendingList) || "requirements".equals(pendingList)) {
                    String kind = "scenarios".equals(pendingList) ? "scenario " : "requirement ";
                    String id = text(node, "id");
                    entry = kind + id;
                    field.setLength(0);
                } else if (field.length() > 0 && isTopList(pendingList) && field.toString().equals(pendingList)) {
                    entry = pendingList + "[" + i + "]";
                    field.setLength(0);
                } else {
                    field.append('[').append(i).append(']');
                }
            }
        }
        return new String[] {entry, field.toString()};
    }

    private static boolean isTopList(String name) {
        return List.of("apis", "errorCodes", "hints", "fallbacks", "errata").contains(name);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? "?" : v.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static List<RawFile> readDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CatalogException(List.of(new CatalogProblem(dir.toString(), 0, "catalog", "", "not a directory")));
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<RawFile> out = new ArrayList<>();
            for (Path p : s.filter(CatalogLoader::isDataFile).sorted().toList()) {
                out.add(new RawFile(p.getFileName().toString(), Files.readString(p, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read catalog folder " + dir, e);
        }
    }

    private static boolean isDataFile(Path p) {
        String n = p.getFileName().toString();
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
    }

    private static LocalDate dateOf(Path dir) {
        Path props = dir.resolve(PROPERTIES);
        try {
            if (Files.isRegularFile(props)) {
                Properties p = new Properties();
                try (InputStream in = Files.newInputStream(props)) {
                    p.load(in);
                }
                String date = p.getProperty("date");
                if (date != null && !date.isBlank()) {
                    return LocalDate.parse(date.trim());
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                long newest = 0;
                for (Path f : s.filter(CatalogLoader::isDataFile).toList()) {
                    newest = Math.max(newest, Files.getLastModifiedTime(f).toMillis());
                }
                return Instant.ofEpochMilli(newest).atZone(ZoneOffset.UTC).toLocalDate();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read catalog folder " + dir, e);
        }
    }

    private static Properties bundledProperties() {
        Properties p = new Properties();
        try (InputStream in = resource(BUNDLED_DIR + PROPERTIES)) {
            p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read bundled " + PROPERTIES, e);
        }
        return p;
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = CatalogLoader.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing classpath resource " + name);
        }
        return in;
    }

    /** A data file's name and text. */
    record RawFile(String name, String text) {
    }
}
