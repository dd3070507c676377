package io.grantwatch.catalog;

import io.grantwatch.model.catalog.ApiMapping;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.Erratum;
import io.grantwatch.model.catalog.ErrorCodeRule;
import io.grantwatch.model.catalog.ParameterHint;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.catalog.ServiceFallback;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a catalog change adds, removes and changes: scenarios, requirements (by id) and matching
 * rules (API mappings, error codes, hints, fallbacks, errata, by their natural keys). Lines start
 * with {@code +}, {@code -} or {@code ~}.
 */
public final class CatalogDiff {
    private CatalogDiff() {
    }

    /**
     * The change set.
     *
     * @param oldVersion version before
     * @param newVersion version after
     * @param lines      one line per change, sorted by kind then key
     */
    public record Result(String oldVersion, String newVersion, List<String> lines) {
        public boolean empty() {
            return lines.isEmpty();
        }

        public String render() {
            StringBuilder sb = new StringBuilder("catalog " + oldVersion + " -> " + newVersion + "\n");
            if (lines.isEmpty()) {
                return sb.append("no changes\n").toString();
            }
            lines.forEach(l -> sb.append(l).append('\n'));
            return sb.append(lines.size()).append(" change(s)\n").toString();
        }
    }

    public static Result between(Catalog before, Catalog after) {
        List<String> out = new ArrayList<>();
        Map<String, Scenario> a = byKey(before.scenarios(), Scenario::id);
        Map<String, Scenario> b = byKey(after.scenarios(), Scenario::id);
        for (Scenario s : a.values()) {
            if (!b.containsKey(s.id())) {
                out.add("- scenario " + s.id() + " (" + s.requirements().size() + " requirements)");
            }
        }
        for (Scenario s : b.values()) {
            Scenario old = a.get(s.id());
            if (old == null) {
                out.add("+ scenario " + s.id() + " (" + s.requirements().size() + " requirements)");
                continue;
            }
            Map<String, Requirement> ra = byKey(old.requirements(), Requirement::id);
            Map<String, Requirement> rb = byKey(s.requirements(), Requirement::id);
            for (Requirement r : ra.values()) {
                if (!rb.containsKey(r.id())) {
                    out.add("- requirement " + r.id() + ": " + CatalogExplainer.describe(r.grant()));
                }
            }
            for (Requirement r : rb.values()) {
                Requirement o = ra.get(r.id());
                if (o == null) {
                    out.add("+ requirement " + r.id() + ": " + CatalogExplainer.describe(r.grant()));
                } else if (!o.equals(r)) {
                    out.add("~ requirement " + r.id() + ": " + changedFields(o, r));
                }
            }
            String shell = shellChanges(old, s);
            if (!shell.isEmpty()) {
                out.add("~ scenario " + s.id() + ": " + shell);
            }
        }
        List<CatalogArea> ab = before.areas();
        List<CatalogArea> bb = after.areas();
        rules(out, "api", flat(ab, CatalogArea::apis), flat(bb, CatalogArea::apis),
                (ApiMapping m) -> m.cloud().wire() + " " + m.service() + "/" + m.api());
        rules(out, "error code", flat(ab, CatalogArea::errorCodes), flat(bb, CatalogArea::errorCodes),
                (ErrorCodeRule e) -> e.cloud().wire() + " " + e.errorCode());
        rules(out, "hint", flat(ab, CatalogArea::hints), flat(bb, CatalogArea::hints),
                (ParameterHint h) -> h.cloud().wire() + " " + h.service() + "/" + h.api() + " " + h.parameter() + "=" + h.value());
        rules(out, "fallback", flat(ab, CatalogArea::fallbacks), flat(bb, CatalogArea::fallbacks),
                (ServiceFallback f) -> f.cloud().wire() + " " + f.service());
        rules(out, "erratum", flat(ab, CatalogArea::errata), flat(bb, CatalogArea::errata),
                (Erratum e) -> e.seed() + " " + e.section() + ": " + e.says());
        return new Result(before.version(), after.version(), List.copyOf(out));
    }

    /** The scenario's own fields that changed, each as {@code name "old" -> "new"}. */
    private static String shellChanges(Scenario o, Scenario n) {
        List<String> f = new ArrayList<>();
        change(f, "title", o.title(), n.title());
        change(f, "original title", o.originalTitle(), n.originalTitle());
        change(f, "area", o.area(), n.area());
        change(f, "services", o.dependentServices(), n.dependentServices());
        change(f, "signals", o.signals(), n.signals());
        change(f, "citation", o.citation(), n.citation());
        change(f, "notes", o.notes(), n.notes());
        return String.join("; ", f);
    }

    private static void change(List<String> f, String name, Object o, Object n) {
        if (!Objects.equals(o, n)) {
            f.add(name + " " + shown(o) + " -> " + shown(n));
        }
    }

    /** A value for one diff line: quoted strings, at most 120 characters. */
    private static String shown(Object v) {
        String s = v == null ? "(none)" : v instanceof String str ? "\"" + str + "\"" : String.valueOf(v);
        s = io.grantwatch.model.text.UnsafeText.oneLine(s);
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }

    private static String changedFields(Requirement o, Requirement n) {
        List<String> f = new ArrayList<>();
        if (!Objects.equals(o.grant(), n.grant())) {
            f.add("grant " + CatalogExplainer.describe(o.grant()) + " -> " + CatalogExplainer.describe(n.grant()));
        }
        if (!Objects.equals(o.covers(), n.covers())) {
            f.add("covers " + o.covers() + " -> " + n.covers());
        }
        if (o.phase() != n.phase()) {
            f.add("phase " + o.phase() + " -> " + n.phase());
        }
        if (o.necessity() != n.necessity()) {
            f.add("necessity " + o.necessity() + " -> " + n.necessity());
        }
        if (o.holder() != n.holder()) {
            f.add("holder " + o.holder() + " -> " + n.holder());
        }
        change(f, "service", o.service(), n.service());
        change(f, "purpose", o.purpose(), n.purpose());
        change(f, "citation", o.citation(), n.citation());
        return String.join("; ", f);
    }

    private static <T> void rules(List<String> out, String kind, List<T> before, List<T> after, Function<T, String> key) {
        Map<String, T> a = byKey(before, key);
        Map<String, T> b = byKey(after, key);
        for (Map.Entry<String, T> e : a.entrySet()) {
            if (!b.containsKey(e.getKey())) {
                out.add("- " + kind + " " + e.getKey());
            }
        }
        for (Map.Entry<String, T> e : b.entrySet()) {
            T old = a.get(e.getKey());
            if (old == null) {
                out.add("+ " + kind + " " + e.getKey());
            } else if (!old.equals(e.getValue())) {
                out.add("~ " + kind + " " + e.getKey());
            }
        }
    }

    private static <T> List<T> flat(List<CatalogArea> areas, Function<CatalogArea, List<T>> f) {
        return areas.stream().flatMap(a -> f.apply(a).stream()).toList();
    }

    private static <T> Map<String, T> byKey(List<T> items, Function<T, String> key) {
        Map<String, T> m = new LinkedHashMap<>();
        for (T t : items) {
            m.putIfAbsent(key.apply(t), t);
        }
        return m;
    }
}
