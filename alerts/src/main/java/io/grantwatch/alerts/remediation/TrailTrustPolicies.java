package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The current trust policy of each RAM role as the audit trail shows it: a successful
 * {@code CreateRole} ({@code AssumeRolePolicyDocument}) or {@code UpdateRole}
 * ({@code NewAssumeRolePolicyDocument}) carries the whole document, the newest one wins. Bounded:
 * at most {@value #MAX_ROLES} roles, the least recently changed forgotten first. Keyed by account and
 * role (a role name is unique only inside its account). A document ingest masked a value in (an
 * {@code ExternalId} condition) is not kept: it is not the role's document. What is known here is shown
 * for review; the printed commands always merge into the role's live document. Thread-safe: {@code scan} plans
 * remediations on several threads, and a read reorders the map (least recently used first).
 */
public final class TrailTrustPolicies implements TrustPolicySource {
    static final int MAX_ROLES = 10_000;

    private record Known(JsonNode document, Instant time) {
    }

    private final Map<String, Known> byRole = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > MAX_ROLES;
        }
    };

    /** Reads one event; anything but a successful RAM CreateRole/UpdateRole with a parseable document is ignored. */
    public synchronized void accept(AuditEvent e) {
        if (e.cloud() != Cloud.ALIBABA || e.outcome() != Outcome.ALLOWED || e.action() == null) {
            return;
        }
        String action = e.action().toLowerCase(Locale.ROOT);
        String key = switch (action) {
            case "createrole" -> "AssumeRolePolicyDocument";
            case "updaterole" -> "NewAssumeRolePolicyDocument";
            default -> null;
        };
        if (key == null) {
            return;
        }
        String role = e.parameters().get("RoleName");
        String text = e.parameters().get(key);
        String account = e.principal().accountId();
        if (!Identifiers.name(role) || account == null) {
            return;
        }
        String k = account + "/" + role;
        JsonNode doc = usable(text);
        if (doc == null) {
            // the role changed to something GrantWatch cannot show: what it knew is out of date
            byRole.remove(k);
            return;
        }
        Known old = byRole.get(k);
        if (old == null || !e.eventTime().isBefore(old.time())) {
            byRole.put(k, new Known(doc, e.eventTime()));
        }
    }

    /** The document, or null when it is missing, truncated, masked by ingest or not a trust policy. */
    private static JsonNode usable(String text) {
        if (text == null || text.isBlank() || text.contains(Redactor.MASK)) {
            return null;
        }
        try {
            JsonNode doc = Json.strict().readTree(text);
            return doc != null && doc.isObject() && PolicyGrammar.ram(doc, true).isEmpty() ? doc : null;
        } catch (JsonProcessingException ex) {
            return null;
        }
    }

    @Override
    public synchronized Optional<JsonNode> current(String accountId, String roleName) {
        Known k = accountId == null ? null : byRole.get(accountId + "/" + roleName);
        return k == null ? Optional.empty() : Optional.of(k.document().deepCopy());
    }
}
