package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.PrincipalType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Cross-principal context, pure: which events feed it, which events read it, and the bounded list
 * it keeps per account. The topology keeps one list per account in a store (partitioned by
 * account); {@code scan} keeps them in a map.
 */
public final class AccountContext {
    /** Signals kept per account. */
    public static final int CAP = 50;

    private AccountContext() {
    }

    /** The account key: {@code cloud:accountId}, or null when the event names no account. */
    public static String accountKey(AuditEvent e) {
        return e.accountKey();
    }

    /** A denial of a delegated identity (agency or role session): the account's context may explain it. */
    public static boolean reads(AuditEvent e) {
        PrincipalType t = e.principal().type();
        return e.outcome() == Outcome.DENIED && (t == PrincipalType.ASSUMED_AGENCY || t == PrincipalType.ASSUMED_ROLE)
                && accountKey(e) != null;
    }

    /** The scenarios a person's successful call signals (empty when it feeds nothing). */
    public static List<String> signalled(AuditEvent e, CatalogLookup catalog) {
        PrincipalType t = e.principal().type();
        if (e.outcome() != Outcome.ALLOWED || (t != PrincipalType.USER && t != PrincipalType.ROOT_ACCOUNT && t != PrincipalType.FEDERATED)
                || accountKey(e) == null) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>(catalog.signalled(e.cloud(), e.iamAction()));
        ids.addAll(catalog.signalled(e.cloud(), DenialMatcher.apiLabel(e)));
        return List.copyOf(ids);
    }

    /** The account's list with the event's signals added: newest last, at most {@link #CAP}, older than the window dropped. */
    public static List<ContextSignal> add(List<ContextSignal> current, AuditEvent e, List<String> scenarioIds, Duration window) {
        List<ContextSignal> out = new ArrayList<>(current == null ? List.of() : current);
        for (String id : scenarioIds) {
            out.removeIf(s -> s.scenarioId().equals(id) && !s.time().isAfter(e.eventTime()));
            out.add(new ContextSignal(id, e.eventTime(), e.principal().display(), DenialMatcher.apiLabel(e)));
        }
        Instant newest = out.stream().map(ContextSignal::time).max(Instant::compareTo).orElse(e.eventTime());
        out.removeIf(s -> s.time().isBefore(newest.minus(window)));
        out.sort((a, b) -> a.time().compareTo(b.time()));
        while (out.size() > CAP) {
            out.remove(0);
        }
        return out;
    }

    /** The signals relevant to a denial at {@code at}: within the window before it. */
    public static List<ContextSignal> before(List<ContextSignal> signals, Instant at, Duration window) {
        if (signals == null) {
            return List.of();
        }
        return signals.stream().filter(s -> !s.time().isAfter(at) && !s.time().isBefore(at.minus(window))).toList();
    }
}
