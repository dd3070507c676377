package io.grantwatch.catalog;

import io.grantwatch.model.Citation;
import io.grantwatch.model.CitationKind;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.catalog.ActionPattern;
import io.grantwatch.model.catalog.ApiMapping;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.Erratum;
import io.grantwatch.model.catalog.ErrorCodeRule;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.ParameterHint;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.catalog.ServiceFallback;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Rules a parsed catalog must keep before it may be indexed or published (a global table has no
 * dead-letter queue, so a bad catalog must never reach the topic). Checks: ids present, unique
 * and well-formed; action syntax per cloud ({@code service:Action} on Alibaba,
 * {@code service:resource:action} on Huawei, {@code *}/{@code ?} allowed); no empty grant lists;
 * every rule's requirement ids resolve; every entry carries a citation whose kind fits it (a SEED
 * citation names a seed file, a VENDOR_REFERENCE an external source id and a vendor page, NONE is
 * refused); grant wildcards only with a seed citation; a DENIED_ACTION names its service prefix and the
 * patterns it answers; {@code covers} only with a vendor page that lists them.
 */
public final class CatalogValidator {
    static final Pattern ALIBABA_ACTION = Pattern.compile("[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+");
    static final Pattern HUAWEI_ACTION = Pattern.compile("[A-Za-z0-9*?-]+:[A-Za-z0-9*?_]+:[A-Za-z0-9*?_]+");
    static final Pattern SERVICE_API = Pattern.compile("[A-Za-z0-9-]+/[A-Za-z0-9*?_-]+");
    static final Pattern SCENARIO_ID = Pattern.compile("[a-z0-9]+(\\.[a-z0-9-]+)+");
    static final Pattern AREA_ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final Pattern DOMAIN = Pattern.compile("[a-z0-9-]+(\\.[a-z0-9-]+)+");

    /** One parsed file. */
    record Parsed(SourceFile source, CatalogArea area) {
    }

    private final List<CatalogProblem> problems = new ArrayList<>();
    private final Map<String, Integer> idOccurrences = new HashMap<>();

    private CatalogValidator() {
    }

    static List<CatalogProblem> validate(List<Parsed> files) {
        CatalogValidator v = new CatalogValidator();
        Map<String, String> requirementFile = new HashMap<>();
        Map<String, String> scenarioFile = new HashMap<>();
        Map<String, String> areaFile = new HashMap<>();
        for (Parsed p : files) {
            v.checkArea(p, areaFile, scenarioFile, requirementFile);
        }
        Map<String, String> ruleKeys = new HashMap<>();
        for (Parsed p : files) {
            v.checkRules(p, requirementFile, ruleKeys);
        }
        return List.copyOf(v.problems);
    }

    private void checkArea(Parsed p, Map<String, String> areaFile, Map<String, String> scenarioFile,
                           Map<String, String> requirementFile) {
        SourceFile src = p.source();
        CatalogArea a = p.area();
        String entry = "area " + (a.id() == null ? "?" : a.id());
        int line = 1;
        if (blank(a.id())) {
            add(src, line, entry, "id", "missing");
        } else {
            if (!AREA_ID.matcher(a.id()).matches()) {
                add(src, line, entry, "id", "\"" + a.id() + "\" is not a lower-case, dash-separated area id");
            }
            String expected = a.id() + ".yaml";
            if (!src.name().equals(expected) && !src.name().equals(a.id() + ".yml")) {
                add(src, line, entry, "id", "area id \"" + a.id() + "\" does not match the file name (expected " + expected + ")");
            }
            String other = areaFile.putIfAbsent(a.id(), src.name());
            if (other != null) {
                add(src, line, entry, "id", "duplicate area id \"" + a.id() + "\" (also in " + other + ")");
            }
        }
        if (a.cloud() == null) {
            add(src, line, entry, "cloud", "missing");
        }
        if (blank(a.title())) {
            add(src, line, entry, "title", "missing");
        }
        if (blank(a.seed())) {
            add(src, line, entry, "seed", "missing");
        }
        for (Scenario s : a.scenarios()) {
            checkScenario(src, a, s, scenarioFile, requirementFile);
        }
        for (int i = 0; i < a.errata().size(); i++) {
            Erratum e = a.errata().get(i);
            String en = "errata[" + i + "]";
            int l = src.lineOfListItem("errata", i);
            if (blank(e.seed())) {
                add(src, l, en, "seed", "missing");
            }
            if (blank(e.section())) {
                add(src, l, en, "section", "missing");
            }
            if (blank(e.says())) {
                add(src, l, en, "says", "missing");
            }
            if (blank(e.means())) {
                add(src, l, en, "means", "missing");
            }
        }
    }

    private void checkScenario(SourceFile src, CatalogArea a, Scenario s, Map<String, String> scenarioFile,
                               Map<String, String> requirementFile) {
        String entry = "scenario " + (s.id() == null ? "?" : s.id());
        int line = lineOfId(src, s.id());
        if (blank(s.id())) {
            add(src, line, entry, "id", "missing");
        } else {
            if (!SCENARIO_ID.matcher(s.id()).matches()) {
                add(src, line, entry, "id", "\"" + s.id() + "\" is not a dotted lower-case id such as pai.dsw");
            }
            String other = scenarioFile.putIfAbsent(s.id(), src.name());
            if (other != null) {
                add(src, line, entry, "id", "duplicate scenario id \"" + s.id() + "\" (also in " + other + ")");
            }
        }
        if (s.cloud() == null) {
            add(src, src.lineOfField(line, "cloud"), entry, "cloud", "missing");
        } else if (a.cloud() != null && s.cloud() != a.cloud()) {
            add(src, src.lineOfField(line, "cloud"), entry, "cloud", "\"" + s.cloud().wire() + "\" differs from the area's cloud \"" + a.cloud()
                    .wire() + "\"");
        }
        if (a.id() != null && !a.id().equals(s.area())) {
            add(src, src.lineOfField(line, "area"), entry, "area", "\"" + s.area() + "\" differs from the area id \"" + a.id() + "\"");
        }
        if (blank(s.title())) {
            add(src, src.lineOfField(line, "title"), entry, "title", "missing");
        }
        checkCitation(src, line, entry, "citation", s.citation());
        if (s.requirements().isEmpty()) {
            add(src, src.lineOfField(line, "requirements"), entry, "requirements", "empty grant list: a scenario needs at least one requirement");
        }
        Cloud cloud = s.cloud() != null ? s.cloud() : a.cloud();
        if (s.signals().isEmpty()) {
            add(src, src.lineOfField(line, "signals"), entry, "signals",
                    "no activity signals: name the actions or Service/Api calls that show a principal works in this scenario");
        }
        for (int i = 0; i < s.signals().size(); i++) {
            String sig = s.signals().get(i);
            if (blank(sig) || !(SERVICE_API.matcher(sig).matches() || actionOk(cloud, sig))) {
                add(src, src.lineOfField(line, "signals[" + i + "]"), entry, "signals[" + i + "]",
                        "bad signal \"" + sig + "\": expected " + actionShape(cloud) + " or Service/Api");
            }
        }
        for (Requirement r : s.requirements()) {
            checkRequirement(src, cloud, s, r, requirementFile);
        }
    }

    private void checkRequirement(SourceFile src, Cloud cloud, Scenario s, Requirement r, Map<String, String> requirementFile) {
        String entry = "requirement " + (r.id() == null ? "?" : r.id());
        int line = lineOfId(src, r.id());
        if (blank(r.id())) {
            add(src, line, entry, "id", "missing");
        } else {
            if (s.id() != null && !r.id().startsWith(s.id() + "/")) {
                add(src, line, entry, "id", "must start with the scenario id \"" + s.id() + "/\"");
            }
            String other = requirementFile.putIfAbsent(r.id(), src.name());
            if (other != null) {
                add(src, line, entry, "id", "duplicate requirement id \"" + r.id() + "\" (also in " + other + ")");
            }
        }
        if (blank(r.service())) {
            add(src, src.lineOfField(line, "service"), entry, "service", "missing");
        }
        Grant g = r.grant();
        if (g == null) {
            add(src, src.lineOfField(line, "grant"), entry, "grant", "missing");
        } else {
            checkGrant(src, line, entry, cloud, r, g);
        }
        for (int i = 0; i < r.covers().size(); i++) {
            String c = r.covers().get(i);
            if (!actionOk(cloud, c)) {
                add(src, src.lineOfField(line, "covers[" + i + "]"), entry, "covers[" + i + "]",
                        "bad action syntax \"" + c + "\" for " + cloudName(cloud) + " (expected " + actionShape(cloud) + ")");
            }
        }
        if (r.phase() == null) {
            add(src, src.lineOfField(line, "phase"), entry, "phase", "missing (ACTIVATION or USE)");
        }
        if (r.necessity() == null) {
            add(src, src.lineOfField(line, "necessity"), entry, "necessity", "missing (REQUIRED or MAY_BE_NEEDED)");
        }
        if (r.holder() == null) {
            add(src, src.lineOfField(line, "holder"), entry, "holder", "missing (ACCOUNT, USER, ROLE, AGENCY or SERVICE_LINKED_ROLE)");
        }
        if (blank(r.purpose())) {
            add(src, src.lineOfField(line, "purpose"), entry, "purpose", "missing");
        }
        checkCitation(src, line, entry, "citation", r.citation());
        if (r.nameSource() != null) {
            checkCitation(src, line, entry, "nameSource", r.nameSource());
            if (r.nameSource().kind() != CitationKind.VENDOR_REFERENCE) {
                add(src, src.lineOfField(line, "nameSource"), entry, "nameSource", "must be a VENDOR_REFERENCE (the page that names the identifier)");
            }
        }
        if (!r.covers().isEmpty()) {
            if (r.coversCitation() == null || r.coversCitation().kind() != CitationKind.VENDOR_REFERENCE) {
                add(src, src.lineOfField(line, "covers"), entry, "covers",
                        "what a policy covers is not in the seeds: name the vendor page that lists it (coversCitation, VENDOR_REFERENCE) or drop "
                                + "covers");
            } else {
                checkCitation(src, line, entry, "coversCitation", r.coversCitation());
            }
        }
        for (int i = 0; i < r.answers().size(); i++) {
            String a = r.answers().get(i);
            if (!actionOk(cloud, a)) {
                add(src, src.lineOfField(line, "answers[" + i + "]"), entry, "answers[" + i + "]",
                        "bad action syntax \"" + a + "\" for " + cloudName(cloud) + " (expected " + actionShape(cloud) + ")");
            }
        }
        if (g != null && g.type() == GrantType.DENIED_ACTION) {
            if (r.answers().isEmpty()) {
                add(src, src.lineOfField(line, "answers"), entry, "answers", "a DENIED_ACTION names the denials it answers (e.g. oss:*)");
            }
            for (String a : r.answers()) {
                if (!a.toLowerCase(Locale.ROOT).startsWith(lower(g.value()) + ":")) {
                    add(src, src.lineOfField(line, "answers"), entry, "answers", "\"" + a + "\" is not an action of service \"" + g.value() + "\"");
                }
            }
        } else if (!r.answers().isEmpty()) {
            add(src, src.lineOfField(line, "answers"), entry, "answers", "only a DENIED_ACTION requirement answers denials by pattern");
        }
        if (r.scope() != null && cloud != Cloud.HUAWEI) {
            add(src, src.lineOfField(line, "scope"), entry, "scope", "an IAM project scope exists on Huawei Cloud only");
        }
    }

    private void checkGrant(SourceFile src, int line, String entry, Cloud cloud, Requirement r, Grant g) {
        int l = src.lineOfField(line, "value");
        GrantType t = g.type();
        String v = g.value();
        if (blank(v)) {
            add(src, l, entry, "grant.value", "missing");
            return;
        }
        switch (t) {
            case ACTION, AGENCY_ACTION -> {
                if (!actionOk(cloud, v)) {
                    add(src, l, entry, "grant.value", "bad action syntax \"" + v + "\" for " + cloudName(cloud)
                            + " (expected " + actionShape(cloud) + ")");
                }
                if (ActionPattern.isWildcard(v) && (r.citation() == null || r.citation().kind() != CitationKind.SEED)) {
                    add(src, l, entry, "grant.value", "a wildcard grant \"" + v + "\" may only be one a seed prints (SEED citation)");
                }
                if (t == GrantType.AGENCY_ACTION && r.holder() != null && r.holder() != Holder.AGENCY) {
                    add(src, src.lineOfField(line, "holder"), entry, "holder", "an AGENCY_ACTION is held by the AGENCY, not " + r.holder());
                }
            }
            case PASS_ROLE -> {
                if (!"ram:PassRole".equalsIgnoreCase(v)) {
                    add(src, l, entry, "grant.value", "a PASS_ROLE grant is \"ram:PassRole\", not \"" + v + "\"");
                }
                if (blank(g.resource())) {
                    add(src, l, entry, "grant.resource", "a PASS_ROLE grant names the role ARN, e.g. acs:ram::*:role/${RoleName}");
                }
            }
            case TRUST_PRINCIPAL -> {
                if (!DOMAIN.matcher(v).matches()) {
                    add(src, l, entry, "grant.value", "a TRUST_PRINCIPAL is a service principal such as pai.aliyuncs.com, not \"" + v + "\"");
                }
            }
            case DENIED_ACTION -> {
                if (!v.matches("[a-z0-9-]+")) {
                    add(src, l, entry, "grant.value", "a DENIED_ACTION value is the service's action prefix (oss, nas, ...), not \"" + v + "\"");
                }
            }
            default -> {
                // SYSTEM_POLICY, WORKSPACE_ROLE, SERVICE_ACTIVATION: free text names
            }
        }
    }

    private void checkRules(Parsed p, Map<String, String> requirements, Map<String, String> ruleKeys) {
        SourceFile src = p.source();
        CatalogArea a = p.area();
        Cloud cloud = a.cloud();
        for (int i = 0; i < a.apis().size(); i++) {
            ApiMapping m = a.apis().get(i);
            String entry = "apis[" + i + "] " + m.service() + "/" + m.api();
            int line = src.lineOfListItem("apis", i);
            checkRuleCloud(src, line, entry, cloud, m.cloud());
            if (blank(m.service())) {
                add(src, line, entry, "service", "missing");
            }
            if (blank(m.api())) {
                add(src, line, entry, "api", "missing");
            }
            if (m.actions().isEmpty()) {
                add(src, src.lineOfField(line, "actions"), entry, "actions", "empty action list");
            }
            for (int j = 0; j < m.actions().size(); j++) {
                if (!actionOk(cloud, m.actions().get(j))) {
                    add(src, src.lineOfField(line, "actions[" + j + "]"), entry, "actions[" + j + "]", "bad action syntax \""
                            + m.actions().get(j) + "\" for " + cloudName(cloud) + " (expected " + actionShape(cloud) + ")");
                }
            }
            String key = "api|" + cloudName(m.cloud()) + "|" + lower(m.service()) + "/" + lower(m.api());
            unique(src, line, entry, "api", key, ruleKeys, "API mapping " + m.service() + "/" + m.api());
            checkCitation(src, line, entry, "citation", m.citation());
        }
        for (int i = 0; i < a.errorCodes().size(); i++) {
            ErrorCodeRule e = a.errorCodes().get(i);
            String entry = "errorCodes[" + i + "] " + e.errorCode();
            int line = src.lineOfListItem("errorCodes", i);
            checkRuleCloud(src, line, entry, cloud, e.cloud());
            if (blank(e.errorCode())) {
                add(src, line, entry, "errorCode", "missing");
            }
            unique(src, line, entry, "errorCode", "err|" + cloudName(e.cloud()) + "|" + lower(e.errorCode()), ruleKeys,
                    "error code " + e.errorCode());
            checkRefs(src, line, entry, e.requirements(), requirements);
            if (blank(e.explanation())) {
                add(src, src.lineOfField(line, "explanation"), entry, "explanation", "missing");
            }
            checkCitation(src, line, entry, "citation", e.citation());
        }
        for (int i = 0; i < a.hints().size(); i++) {
            ParameterHint h = a.hints().get(i);
            String entry = "hints[" + i + "] " + h.parameter() + "=" + h.value();
            int line = src.lineOfListItem("hints", i);
            checkRuleCloud(src, line, entry, cloud, h.cloud());
            if (blank(h.parameter())) {
                add(src, line, entry, "parameter", "missing");
            }
            checkRefs(src, line, entry, h.requirements(), requirements);
            checkCitation(src, line, entry, "citation", h.citation());
        }
        for (int i = 0; i < a.fallbacks().size(); i++) {
            ServiceFallback f = a.fallbacks().get(i);
            String entry = "fallbacks[" + i + "] " + f.service();
            int line = src.lineOfListItem("fallbacks", i);
            checkRuleCloud(src, line, entry, cloud, f.cloud());
            if (blank(f.service())) {
                add(src, line, entry, "service", "missing");
            }
            unique(src, line, entry, "service", "fb|" + cloudName(f.cloud()) + "|" + lower(f.service()), ruleKeys,
                    "fallback for service " + f.service());
            checkRefs(src, line, entry, f.requirements(), requirements);
            checkCitation(src, line, entry, "citation", f.citation());
        }
    }

    private void checkRuleCloud(SourceFile src, int line, String entry, Cloud areaCloud, Cloud cloud) {
        if (cloud == null) {
            add(src, src.lineOfField(line, "cloud"), entry, "cloud", "missing");
        } else if (areaCloud != null && cloud != areaCloud) {
            add(src, src.lineOfField(line, "cloud"), entry, "cloud", "\"" + cloud.wire() + "\" differs from the area's cloud \"" + areaCloud.wire()
                    + "\"");
        }
    }

    private void checkRefs(SourceFile src, int line, String entry, List<String> refs, Map<String, String> requirements) {
        if (refs.isEmpty()) {
            add(src, src.lineOfField(line, "requirements"), entry, "requirements", "empty requirement list");
        }
        for (int j = 0; j < refs.size(); j++) {
            if (!requirements.containsKey(refs.get(j))) {
                add(src, src.lineOfField(line, "requirements[" + j + "]"), entry, "requirements[" + j + "]",
                        "dangling reference: no requirement \"" + refs.get(j) + "\"");
            }
        }
    }

    private void unique(SourceFile src, int line, String entry, String field, String key, Map<String, String> seen, String what) {
        String other = seen.putIfAbsent(key, src.name());
        if (other != null) {
            add(src, line, entry, field, "duplicate " + what + " (also in " + other + ")");
        }
    }

    private void checkCitation(SourceFile src, int line, String entry, String field, Citation c) {
        int l = src.lineOfField(line, field);
        if (c == null) {
            add(src, l, entry, field, "missing citation (seed file and section)");
            return;
        }
        if (blank(c.seed())) {
            add(src, l, entry, field + ".seed", "missing");
        }
        if (blank(c.section())) {
            add(src, l, entry, field + ".section", "missing");
        }
        switch (c.kind()) {
            case SEED -> {
                if (!CitationKind.isSeedFile(c.seed())) {
                    add(src, l, entry, field + ".kind", "SEED but \"" + c.seed() + "\" is not a seed file (NNN_<16 hex>.txt)");
                }
            }
            case VENDOR_REFERENCE -> {
                if (CitationKind.isSeedFile(c.seed())) {
                    add(src, l, entry, field + ".kind", "VENDOR_REFERENCE but \"" + c.seed() + "\" is a seed file");
                }
                if (c.url() == null || !c.url().startsWith("https://")) {
                    add(src, l, entry, field + ".url", "a VENDOR_REFERENCE needs the vendor page (https://...)");
                }
            }
            case NONE -> add(src, l, entry, field, "uncited claim: no seed and no vendor page (" + c.seed() + ")");
            default -> {
            }
        }
    }

    private int lineOfId(SourceFile src, String id) {
        if (id == null) {
            return 0;
        }
        int n = idOccurrences.merge(src.name() + "|" + id, 1, Integer::sum) - 1;
        return src.lineOfId(id, n);
    }

    static boolean actionOk(Cloud cloud, String action) {
        if (action == null) {
            return false;
        }
        return cloud == Cloud.HUAWEI ? HUAWEI_ACTION.matcher(action).matches() : ALIBABA_ACTION.matcher(action).matches();
    }

    private static String actionShape(Cloud cloud) {
        return cloud == Cloud.HUAWEI ? "service:resource:action" : "service:Action";
    }

    private static String cloudName(Cloud cloud) {
        return cloud == null ? "?" : cloud.wire();
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private void add(SourceFile src, int line, String entry, String field, String message) {
        problems.add(new CatalogProblem(src.name(), line, entry, field, message));
    }
}
