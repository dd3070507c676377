package io.grantwatch.alerts.dispatch;

import io.grantwatch.alerts.Severity;
import io.grantwatch.model.Finding;
import java.util.List;

/**
 * Sends matching findings to the named channels. Every non-empty criterion must match (globs,
 * case-insensitive); principals match the principal key ({@code account/type/name}) or its display form.
 *
 * @param name        for logs
 * @param clouds      alibaba, huawei
 * @param accounts    account UIDs / domain ids
 * @param principals  principal globs
 * @param kinds       finding kinds (MISSING_GRANT, ...)
 * @param minSeverity lowest severity routed (null = all)
 * @param channels    target channel names
 */
public record RouteRule(String name, List<String> clouds, List<String> accounts, List<String> principals, List<String> kinds,
        Severity minSeverity, List<String> channels) {
    public RouteRule {
        clouds = clouds == null ? List.of() : List.copyOf(clouds);
        accounts = accounts == null ? List.of() : List.copyOf(accounts);
        principals = principals == null ? List.of() : List.copyOf(principals);
        kinds = kinds == null ? List.of() : List.copyOf(kinds);
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    public boolean matches(Finding f) {
        var p = f.principal();
        return Globs.any(clouds, f.cloud() == null ? null : f.cloud().wire())
                && Globs.any(accounts, p == null ? null : p.accountId())
                && Globs.any(principals, p == null ? null : p.key(), p == null ? null : p.display(), p == null ? null : p.name())
                && Globs.any(kinds, f.kind().name())
                && (minSeverity == null || Severity.of(f).atLeast(minSeverity));
    }
}
