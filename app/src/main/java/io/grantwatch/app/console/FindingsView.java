package io.grantwatch.app.console;

import io.grantwatch.alerts.Severity;
import io.grantwatch.alerts.dispatch.MuteRule;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingAction;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The console's view of the findings, without Kafka: the decisions in force (the newest {@link FindingAction} per
 * finding, as the compacted {@code finding-actions} topic keeps them), each finding's console status, and the list
 * query (search, filters, sort, paging). The Kafka side ({@link ActionLog}) feeds {@link #apply}.
 */
public final class FindingsView {
    /** A finding's status in the console: the detector's OPEN/RESOLVED, refined by the decision in force. */
    public enum Status {
        OPEN, ACKNOWLEDGED, MUTED, RESOLVED
    }

    private final Map<String, FindingAction> actions = new ConcurrentHashMap<>();

    /** Applies one record of the actions topic; null (a tombstone) forgets the finding's decision. */
    public void apply(String findingId, FindingAction action) {
        if (action == null) {
            actions.remove(findingId);
        } else {
            actions.put(findingId, action);
        }
    }

    /** The decision in force for the finding, if any (a REOPEN is one: it says who re-opened it and why). */
    public Optional<FindingAction> action(String findingId) {
        return Optional.ofNullable(actions.get(findingId));
    }

    /** Console mutes in force at {@code now}. */
    public List<FindingAction> mutes(Instant now) {
        return actions.values().stream().filter(a -> a.mutes(now)).toList();
    }

    /** The console's mutes in force as mute rules of one finding each: what the alert dispatcher does not notify. */
    public List<MuteRule> muteRules(Instant now) {
        return mutes(now).stream().map(a -> new MuteRule("console:" + a.findingId(), null, null, null, null, null, a.reason(), a.owner(),
                a.expires(), List.of(a.findingId()))).toList();
    }

    public Status status(Finding f, Instant now) {
        if (!f.open()) {
            return Status.RESOLVED;
        }
        FindingAction a = actions.get(f.id());
        if (a == null) {
            return Status.OPEN;
        }
        return switch (a.action()) {
            case MUTE -> a.mutes(now) ? Status.MUTED : Status.OPEN; // an expired mute needs a new decision: the finding is back
            case ACKNOWLEDGE -> Status.ACKNOWLEDGED;
            case REOPEN -> Status.OPEN;
        };
    }

    /** One finding of the list with what the list shows beside it. */
    public record Row(Finding finding, Status status, Severity severity) {
    }

    /** One page of the list: {@code page} counts from 1, {@code pages} is at least 1. */
    public record Page(List<Row> rows, int total, int page, int pages, Query query) {
    }

    public Page select(Collection<Finding> findings, Query q, Instant now) {
        List<Row> matching = findings.stream()
                .map(f -> new Row(f, status(f, now), Severity.of(f)))
                .filter(r -> q.matches(r))
                .sorted(q.comparator())
                .toList();
        int pages = Math.max(1, (matching.size() + q.size() - 1) / q.size());
        int page = Math.min(q.page(), pages);
        int from = (page - 1) * q.size();
        return new Page(matching.subList(from, Math.min(matching.size(), from + q.size())), matching.size(), page, pages, q);
    }

    /** Which findings the list shows: {@link #ACTIVE} (open and acknowledged, the default) or one status, or all. */
    public enum StatusFilter {
        ACTIVE, OPEN, ACKNOWLEDGED, MUTED, RESOLVED, ALL;

        boolean admits(Status s) {
            return switch (this) {
                case ACTIVE -> s == Status.OPEN || s == Status.ACKNOWLEDGED;
                case ALL -> true;
                default -> s.name().equals(name());
            };
        }
    }

    /** What a list is sorted by; each sorts descending by default (newest, most severe, most events first). */
    public enum Sort {
        SEVERITY(Comparator.comparing((Row r) -> r.severity())),
        UPDATED(Comparator.comparing((Row r) -> r.finding().updatedAt(), Comparator.nullsFirst(Comparator.naturalOrder()))),
        FIRST_SEEN(Comparator.comparing((Row r) -> evidence(r).map(Evidence::firstSeen).orElse(null),
                Comparator.nullsFirst(Comparator.naturalOrder()))),
        EVENTS(Comparator.comparingLong((Row r) -> evidence(r).map(Evidence::count).orElse(0L))),
        PRINCIPAL(Comparator.comparing((Row r) -> principalOf(r.finding()).display(), String.CASE_INSENSITIVE_ORDER)),
        KIND(Comparator.comparing((Row r) -> r.finding().kind().name())),
        CLOUD(Comparator.comparing((Row r) -> String.valueOf(r.finding().cloud()))),
        SCENARIO(Comparator.comparing((Row r) -> Objects.requireNonNullElse(r.finding().scenarioId(), "")));

        final Comparator<Row> order;

        Sort(Comparator<Row> order) {
            this.order = order;
        }

        private static Optional<Evidence> evidence(Row r) {
            return Optional.ofNullable(r.finding().evidence());
        }
    }

    /**
     * A list query as the URL carries it (so every list has a stable address): {@code q} searches ids, principals,
     * accounts, scenarios, actions, APIs, resources, error codes and grants; the filters match exactly (principal:
     * name, role/agency name or key; severity: that level); {@code sort} and {@code dir} order; {@code page} and
     * {@code size} page.
     */
    public record Query(String q, Cloud cloud, String account, String principal, String scenario, FindingKind kind,
            Severity severity, StatusFilter status, Sort sort, boolean ascending, int page, int size) {
        public static final int DEFAULT_SIZE = 50;
        public static final int MAX_SIZE = 200;
        public static final List<String> PARAMETERS =
                List.of("q", "cloud", "account", "principal", "scenario", "kind", "severity", "status", "sort", "dir", "page", "size");

        public static Query defaults() {
            return new Query(null, null, null, null, null, null, null, StatusFilter.ACTIVE, Sort.SEVERITY, false, 1, DEFAULT_SIZE);
        }

        /** Reads a query string's parameters; an unknown parameter or value is an IllegalArgumentException saying what is allowed. */
        public static Query parse(Map<String, String> p) {
            for (String name : p.keySet()) {
                if (!PARAMETERS.contains(name)) {
                    throw new IllegalArgumentException("unknown parameter; the parameters are " + PARAMETERS);
                }
            }
            Cloud cloud = choice(p, "cloud", Cloud.values(), Cloud::wire);
            FindingKind kind = choice(p, "kind", FindingKind.values(), Enum::name);
            Severity severity = choice(p, "severity", Severity.values(), Enum::name);
            StatusFilter status = Objects.requireNonNullElse(choice(p, "status", StatusFilter.values(), Enum::name), StatusFilter.ACTIVE);
            Sort sort = Objects.requireNonNullElse(choice(p, "sort", Sort.values(), Enum::name), Sort.SEVERITY);
            String dir = blankToNull(p.get("dir"));
            if (dir != null && !dir.equals("asc") && !dir.equals("desc")) {
                throw new IllegalArgumentException("dir must be asc or desc");
            }
            return new Query(blankToNull(p.get("q")), cloud, blankToNull(p.get("account")), blankToNull(p.get("principal")),
                    blankToNull(p.get("scenario")), kind, severity, status, sort, "asc".equals(dir),
                    number(p, "page", 1, Integer.MAX_VALUE, 1), number(p, "size", 1, MAX_SIZE, DEFAULT_SIZE));
        }

        /** The query's parameters in a fixed order, defaults left out: the stable form of a list's address. */
        public Map<String, String> parameters() {
            Map<String, String> out = new LinkedHashMap<>();
            put(out, "q", q);
            put(out, "cloud", cloud == null ? null : cloud.wire());
            put(out, "account", account);
            put(out, "principal", principal);
            put(out, "scenario", scenario);
            put(out, "kind", kind == null ? null : kind.name().toLowerCase(Locale.ROOT));
            put(out, "severity", severity == null ? null : severity.name().toLowerCase(Locale.ROOT));
            put(out, "status", status == StatusFilter.ACTIVE ? null : status.name().toLowerCase(Locale.ROOT));
            put(out, "sort", sort == Sort.SEVERITY ? null : sort.name().toLowerCase(Locale.ROOT));
            put(out, "dir", ascending ? "asc" : null);
            put(out, "page", page == 1 ? null : Integer.toString(page));
            put(out, "size", size == DEFAULT_SIZE ? null : Integer.toString(size));
            return out;
        }

        public Query withPage(int newPage) {
            return new Query(q, cloud, account, principal, scenario, kind, severity, status, sort, ascending, newPage, size);
        }

        /** Sorted by {@code by}: a second click on the current sort flips the direction; a new sort starts at page 1. */
        public Query sortedBy(Sort by) {
            boolean asc = by == sort && !ascending;
            return new Query(q, cloud, account, principal, scenario, kind, severity, status, by, asc, 1, size);
        }

        boolean matches(Row r) {
            Finding f = r.finding();
            Principal p = principalOf(f);
            return status.admits(r.status())
                    && (cloud == null || cloud == f.cloud())
                    && (kind == null || kind == f.kind())
                    && (severity == null || severity == r.severity())
                    && (account == null || account.equals(p.accountId()))
                    && (principal == null || principal.equals(p.name()) || principal.equals(p.roleName())
                        || (f.principal() != null && principal.equals(p.key())))
                    && (scenario == null || scenario.equals(f.scenarioId()))
                    && (q == null || searched(f).anyMatch(text -> text != null && text.toLowerCase(Locale.ROOT)
                        .contains(q.toLowerCase(Locale.ROOT))));
        }

        Comparator<Row> comparator() {
            Comparator<Row> primary = ascending ? sort.order : sort.order.reversed();
            // ties: newest first, then by id, so a page never reorders between two loads
            return primary.thenComparing(Sort.UPDATED.order.reversed()).thenComparing(r -> r.finding().id());
        }

        private static Stream<String> searched(Finding f) {
            Principal p = principalOf(f);
            Evidence e = f.evidence();
            Stream<String> own = Stream.of(f.id(), p.display(), p.name(), p.roleName(), p.accountId(), f.scenarioId(),
                    f.scenarioTitle());
            Stream<String> evidence = e == null ? Stream.empty()
                    : Stream.of(e.service(), e.api(), e.deniedAction(), e.resource(), e.errorCode());
            Stream<String> grants = f.missing().stream().map(MissingGrant::grant).flatMap(g -> Stream.of(g.value(), g.resource()));
            return Stream.of(own, evidence, grants).flatMap(Function.identity());
        }

        private static <E> E choice(Map<String, String> p, String name, E[] values, Function<E, String> wire) {
            String v = blankToNull(p.get(name));
            if (v == null) {
                return null;
            }
            return Arrays.stream(values).filter(e -> wire.apply(e).equalsIgnoreCase(v)).findFirst().orElseThrow(() ->
                    new IllegalArgumentException(name + " must be one of "
                            + Arrays.stream(values).map(e -> wire.apply(e).toLowerCase(Locale.ROOT)).toList()));
        }

        private static int number(Map<String, String> p, String name, int min, int max, int fallback) {
            String v = blankToNull(p.get(name));
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below says what is allowed
            }
            throw new IllegalArgumentException(name + " must be a number from " + min + " to " + max);
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }

        private static void put(Map<String, String> out, String name, String value) {
            if (value != null) {
                out.put(name, value);
            }
        }
    }

    /** The finding's principal, or an empty one: unmapped denials of unknown callers still list. */
    static Principal principalOf(Finding f) {
        return f.principal() != null ? f.principal()
                : new Principal(PrincipalType.OTHER, null, null, null, null, null, null, null);
    }
}
