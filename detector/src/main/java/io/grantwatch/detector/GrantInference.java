package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Necessity;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Qualifier;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Infers every grant a scenario still lacks, so that one denial ends the "fix one, hit the next"
 * loop: the denied grant (CERTAIN), then the scenario's other requirements — REQUIRED ones LIKELY,
 * "may be needed" and activation-time ones POSSIBLE — minus what the principal was seen using
 * successfully. Delegation is explicit: {@code ram:PassRole} on the role the call named, the trust
 * principal on that role, and for ModelArts agencies the grant goes on the agency.
 *
 * <p>The seed's qualifiers hold: a requirement the seed only recommends (建议配置), gives as an example (例),
 * needs for administrators only (仅管理员需要) or only with workspaces enabled is at most POSSIBLE, never
 * LIKELY; one needed only when a workspace is deleted (删除工作空间时) is listed only for a denied delete. A
 * {@link GrantType#DENIED_ACTION} row (the seed names no action) is never listed as another grant: it only
 * turns a denial into exactly the denied action.
 */
public final class GrantInference {

    private GrantInference() {
    }

    /** The denied grant and every other grant of the scenario, denied first. */
    public record Inferred(Grant denied, Match primary, List<MissingGrant> missing) {
    }

    public static Inferred infer(AuditEvent event, List<Match> matches, Scenario scenario, PrincipalState state, CatalogLookup catalog) {
        Match primary = null;
        List<Match> certain = new ArrayList<>();
        for (Match m : matches) {
            if (!m.scenario().id().equals(scenario.id())) {
                continue;
            }
            if (primary == null || m.strength() > primary.strength()) {
                primary = m;
            }
            if (m.how() == Match.How.ERROR_CODE) {
                certain.add(m);
            }
        }
        if (primary == null) {
            throw new IllegalArgumentException("scenario " + scenario.id() + " has no match for event " + event.eventId());
        }
        String roleArn = Arns.roleArn(event);
        Grant denied = deniedGrant(event, primary, roleArn);
        List<MissingGrant> out = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        Certainty deniedCertainty = deniedCertainty(primary);
        out.add(new MissingGrant(denied, deniedCertainty, holder(event, primary.requirement()), primary.requirement().id(),
                deniedReason(event, primary), systemPolicyFor(event, denied, primary.requirement(), catalog),
                primary.requirement().citation()));
        keys.add(denied.key().toLowerCase(Locale.ROOT));
        Set<String> done = new LinkedHashSet<>();
        done.add(primary.requirement().id());
        for (Match m : certain) {
            if (done.add(m.requirement().id())) {
                Grant g = adapt(event, m.requirement(), roleArn);
                if (keys.add(g.key().toLowerCase(Locale.ROOT))) {
                    out.add(new MissingGrant(g, tentative(m.requirement()) ? Certainty.POSSIBLE : Certainty.CERTAIN,
                            holder(event, m.requirement()), m.requirement().id(),
                            "error code " + m.detail() + " names it: " + purpose(m.requirement()), null, m.requirement().citation()));
                }
            }
        }
        for (Requirement r : scenario.requirements()) {
            if (r.grant().type() == GrantType.DENIED_ACTION || (r.qualified(Qualifier.ONLY_WHEN_DELETING) && !isDelete(event))) {
                continue;
            }
            if (!done.add(r.id()) || satisfied(r, state, event.principal().type())) {
                continue;
            }
            Grant g = adapt(event, r, roleArn);
            if (!keys.add(g.key().toLowerCase(Locale.ROOT))) {
                continue;
            }
            Certainty c = r.necessity() == Necessity.MAY_BE_NEEDED || r.phase() == Phase.ACTIVATION || r.conditional()
                    ? Certainty.POSSIBLE : Certainty.LIKELY;
            out.add(new MissingGrant(g, c, holder(event, r), r.id(), otherReason(scenario, r, c),
                    r.grant().type() == GrantType.SYSTEM_POLICY ? r.grant().value() : null, r.citation()));
        }
        return new Inferred(denied, primary, out);
    }

    /**
     * How sure the first grant is: the very action the cloud refused is CERTAIN; a grant found through an
     * error code, API mapping, hint or fallback is CERTAIN/LIKELY only when the seed requires it outright,
     * else (a qualifier, or "may be needed") POSSIBLE.
     */
    static Certainty deniedCertainty(Match primary) {
        Requirement r = primary.requirement();
        boolean byAction = primary.how() == Match.How.EXACT_ACTION || primary.how() == Match.How.WILDCARD_ACTION;
        if (byAction) {
            return Certainty.CERTAIN;
        }
        if (tentative(r)) {
            return Certainty.POSSIBLE;
        }
        return primary.how() == Match.How.FALLBACK || primary.how() == Match.How.HINT ? Certainty.LIKELY : Certainty.CERTAIN;
    }

    /** A requirement the seed qualifies (recommended, example, admin only, ...) or only says "may be needed". */
    static boolean tentative(Requirement r) {
        return r.conditional() || r.necessity() == Necessity.MAY_BE_NEEDED;
    }

    /** Whether the denied call deletes something (the IAM action or the API name says delete). */
    static boolean isDelete(AuditEvent event) {
        return containsDelete(event.iamAction()) || containsDelete(event.action());
    }

    private static boolean containsDelete(String s) {
        return s != null && s.toLowerCase(Locale.ROOT).contains("delete");
    }

    /** The grant the cloud refused, shaped for whoever must hold it. */
    static Grant deniedGrant(AuditEvent event, Match primary, String roleArn) {
        Requirement r = primary.requirement();
        String action = event.iamAction();
        boolean byAction = (primary.how() == Match.How.EXACT_ACTION || primary.how() == Match.How.WILDCARD_ACTION)
                && action != null && !action.isBlank();
        if (!byAction) {
            return adapt(event, r, roleArn);
        }
        GrantType type = r.grant().type() == GrantType.PASS_ROLE ? GrantType.PASS_ROLE
                : event.principal().type() == PrincipalType.ASSUMED_AGENCY ? GrantType.AGENCY_ACTION : GrantType.ACTION;
        String resource = type == GrantType.PASS_ROLE ? roleArn : event.resource();
        return new Grant(type, action, resource);
    }

    /** A catalog grant made concrete for this event: the role ARN on delegation grants, agency grants for agencies. */
    static Grant adapt(AuditEvent event, Requirement r, String roleArn) {
        Grant g = r.grant();
        if ((g.type() == GrantType.PASS_ROLE || g.type() == GrantType.TRUST_PRINCIPAL) && roleArn != null
                && (g.resource() == null || g.resource().contains("${"))) {
            g = g.onResource(roleArn);
        } else if (g.resource() != null && g.resource().contains("${")) {
            g = g.onResource(fill(g.resource(), event, roleArn));
        }
        if (g.resource() != null && g.resource().contains("${")) {
            // a placeholder the event cannot fill is not a resource: the remediation asks for it instead
            g = g.onResource(null);
        }
        if (g.type() == GrantType.ACTION && (r.holder() == Holder.AGENCY || event.principal().type() == PrincipalType.ASSUMED_AGENCY)) {
            return new Grant(GrantType.AGENCY_ACTION, g.value(), g.resource());
        }
        return g;
    }

    /** Fills the catalog's resource placeholders that the event answers; the rest stay for the remediation to ask. */
    static String fill(String resource, AuditEvent event, String roleArn) {
        return fill(resource, event.principal().accountId(), Arns.roleName(roleArn));
    }

    /** Fills {@code ${AccountId}} and {@code ${RoleName}} with what is known (null: left as it is). */
    static String fill(String resource, String accountId, String roleName) {
        String out = resource;
        if (accountId != null && !accountId.isBlank()) {
            out = out.replace("${AccountId}", accountId);
        }
        if (roleName != null && !roleName.isBlank()) {
            out = out.replace("${RoleName}", roleName);
        }
        return out;
    }

    /**
     * A catalog grant with its placeholders filled from what is known; a placeholder nothing fills is not a resource,
     * so the grant then names none (the same rule as a denial's grants: the remediation asks for it instead).
     */
    static Grant concrete(Grant g, String accountId, String roleName) {
        if (g.resource() == null || !g.resource().contains("${")) {
            return g;
        }
        String filled = fill(g.resource(), accountId, roleName);
        return g.onResource(filled.contains("${") ? null : filled);
    }

    /** Who holds a grant the catalog says nothing about: the caller itself (the agency for an agency session). */
    static Holder holderOf(AuditEvent event) {
        return switch (event.principal().type()) {
            case ASSUMED_AGENCY -> Holder.AGENCY;
            case ASSUMED_ROLE -> Holder.ROLE;
            default -> Holder.USER;
        };
    }

    static Holder holder(AuditEvent event, Requirement r) {
        if (event.principal().type() == PrincipalType.ASSUMED_AGENCY) {
            return Holder.AGENCY;
        }
        if (r.grant().type() == GrantType.TRUST_PRINCIPAL) {
            return Holder.ROLE;
        }
        return r.holder() == null ? Holder.USER : r.holder();
    }

    /**
     * Whether the principal was seen using what the requirement grants: the action itself, an
     * action its pattern names, or an action its system policy covers. Grants held by someone else
     * (an agency for a user, the account) cannot be observed in this principal's calls.
     */
    static boolean satisfied(Requirement r, PrincipalState state, PrincipalType type) {
        if (state.succeeded().isEmpty()) {
            return false;
        }
        Holder h = r.holder();
        if (h == Holder.AGENCY && type != PrincipalType.ASSUMED_AGENCY) {
            return false;
        }
        if (h == Holder.ROLE && type != PrincipalType.ASSUMED_ROLE) {
            return false;
        }
        Grant g = r.grant();
        if (g.type() == GrantType.ACTION || g.type() == GrantType.AGENCY_ACTION) {
            if (usedAny(g.value(), state.succeeded())) {
                return true;
            }
        }
        for (String cover : r.covers()) {
            if (usedAny(cover, state.succeeded())) {
                return true;
            }
        }
        return false;
    }

    private static boolean usedAny(String patternOrAction, Map<String, ?> succeeded) {
        if (!io.grantwatch.model.catalog.ActionPattern.isWildcard(patternOrAction)) {
            return succeeded.containsKey(patternOrAction.toLowerCase(Locale.ROOT));
        }
        for (String used : succeeded.keySet()) {
            if (Patterns.matches(patternOrAction, used)) {
                return true;
            }
        }
        return false;
    }

    /** The documented system policy that covers the denied grant, when the catalog names one. */
    private static String systemPolicyFor(AuditEvent event, Grant denied, Requirement primary, CatalogLookup catalog) {
        if (primary.grant().type() == GrantType.SYSTEM_POLICY) {
            return primary.grant().value();
        }
        for (Requirement r : catalog.byAction(event.cloud(), denied.value())) {
            if (r.grant().type() == GrantType.SYSTEM_POLICY) {
                return r.grant().value();
            }
        }
        return null;
    }

    private static String deniedReason(AuditEvent event, Match primary) {
        String who = event.principal().display();
        String what = event.iamAction() != null ? event.iamAction() : DenialMatcher.apiLabel(event);
        String base = "The cloud denied " + what + " to " + who + " (" + primary.describe() + ")";
        if (primary.requirement().grant().type() == GrantType.PASS_ROLE) {
            return base + "; a RAM user can hand a service only a role it may ram:PassRole.";
        }
        if (primary.requirement().grant().type() == GrantType.TRUST_PRINCIPAL) {
            return base + "; the role's trust policy must name this service principal.";
        }
        if (event.principal().type() == PrincipalType.ASSUMED_AGENCY) {
            return base + "; grant it on the agency — and the user who delegates must hold it too.";
        }
        return base + ".";
    }

    private static String otherReason(Scenario s, Requirement r, Certainty c) {
        String need = c == Certainty.LIKELY ? " also needs " : " may also need ";
        String tail = r.holder() == Holder.AGENCY ? " (on the agency; the delegating user must hold it too)" : "";
        return s.title() + need + r.grant().value() + " — " + purpose(r) + tail + "; not seen used by this principal.";
    }

    private static String purpose(Requirement r) {
        return r.purpose() != null ? r.purpose() : r.service() != null ? r.service() : r.id();
    }
}
