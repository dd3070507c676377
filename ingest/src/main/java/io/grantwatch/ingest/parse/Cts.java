package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.SourceRef;
import io.grantwatch.model.redact.Redactor;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Huawei Cloud CTS trace → {@link AuditEvent} (formats.md §2). snake_case keys, read leniently. */
final class Cts {
    private static final Pattern XML_CODE = Pattern.compile("<Code>\\s*([^<\\s]{1,100})\\s*</Code>");

    private Cts() {
    }

    static boolean looksLike(Fields f) {
        return f.has("tracename") || f.has("traceid") || f.has("tracerating") || f.has("tracestatus")
                || (f.has("servicetype") && (f.has("tracetype") || f.has("resourcetype")));
    }

    static Object normalize(Fields tr, Hints hints, SourceRef ref) {
        String traceName = tr.text("tracename");
        if (traceName == null) {
            traceName = tr.text("operationid");
        }
        if (traceName == null) {
            return "CTS trace without trace_name";
        }
        Instant time = Times.parse(tr.raw("time"));
        if (time == null) {
            time = Times.parse(tr.raw("recordtime"));
        }
        if (time == null) {
            time = hints.time();
        }
        if (time == null) {
            return tr.has("time") ? "CTS trace with an unreadable time" : "CTS trace without time or record_time";
        }
        Integer http = httpCode(tr.raw("code"));
        String rating = tr.text("tracerating", "tracestatus");
        JsonNode respNode = tr.raw("response");
        Fields resp = tr.obj("response");
        String respText = resp.isEmpty() && respNode != null && respNode.isTextual() ? Fields.text(respNode) : null;
        Fields err = resp.obj("error");
        String errCode = err.text("code", "errorcode");
        if (errCode == null) {
            errCode = resp.text("errorcode", "errcode");
        }
        if (errCode == null) {
            String c = resp.text("code");
            if (c != null && httpCode(resp.raw("code")) == null) {
                errCode = c;
            }
        }
        if (errCode == null && respText != null && respText.contains("<Code>")) {
            // OBS answers S3-style XML: <Error><Code>AccessDenied</Code><Message>…</Message></Error>
            Matcher m = XML_CODE.matcher(respText);
            if (m.find()) {
                errCode = m.group(1);
            }
        }
        String errMsg = err.text("message", "errormsg", "title");
        if (errMsg == null) {
            errMsg = resp.text("errormsg", "errormessage", "message", "msg", "errordescription", "failreason");
        }
        String message = tr.text("message");
        String failure = join(errMsg, message, respText, tr.text("locationinfo"));
        Outcome outcome = Classifier.huaweiOutcome(http, rating, errCode, failure);
        Classifier.Denial denial = outcome == Outcome.ALLOWED ? Classifier.Denial.NONE
                : Classifier.extract(errMsg, message, respText, err.node() == null ? null : err.node().toString());
        String errorCode = null;
        String errorMessage = null;
        if (outcome != Outcome.ALLOWED) {
            errorCode = errCode != null ? errCode : (http != null && http >= 400 ? String.valueOf(http) : null);
            errorMessage = errMsg != null ? errMsg : (respText != null ? respText : message);
        }
        String eventId = tr.text("traceid");
        if (eventId == null) {
            String rid = tr.text("requestid");
            eventId = rid != null && !"null".equals(rid) ? rid : Records.syntheticId(Cloud.HUAWEI, tr.node());
        }
        String resource = denial.resource() != null ? denial.resource() : tr.text("resourcename", "resourceid");
        String iamAction = denial.iamAction();
        if (iamAction == null && outcome != Outcome.ALLOWED && ObsEvents.isObs(tr.text("servicetype"))) {
            // OBS data traces often refuse with a bare 403: the operation names the action
            iamAction = ObsEvents.action(traceName);
        }
        String region = tr.text("region", "regionid");
        if (region == null) {
            region = hints.region();
        }
        if (region == null) {
            // obs:cn-north-4:…:object:…, urn:fgs:cn-north-4:…, https://…/?region=… : the first region-shaped segment
            region = regionIn(denial.resource(), tr.text("resourceid"), tr.text("endpoint"));
        }
        return new AuditEvent(Cloud.HUAWEI, Redactor.text(eventId), time, principal(tr, hints),
                Redactor.text(tr.text("servicetype")), Redactor.text(traceName), iamAction,
                Redactor.text(resource), outcome, outcome == Outcome.DENIED && denial.explicitDeny(),
                Redactor.text(errorCode), Redactor.text(errorMessage), Redactor.text(tr.text("sourceip")),
                Redactor.text(region), Redactor.text(tr.text("useragent")), Redactor.text(tr.text("tracetype")),
                Params.of(tr.obj("request").node()), ref);
    }

    private static final Pattern REGION = Pattern.compile("^[a-z]{2}-[a-z]+-\\d{1,3}$");

    static String regionIn(String... texts) {
        for (String t : texts) {
            if (t == null) {
                continue;
            }
            for (String seg : t.split("[:/.?&=]")) {
                if (REGION.matcher(seg).matches()) {
                    return seg;
                }
            }
        }
        return null;
    }

    private static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (p != null) {
                sb.append(p).append('\n');
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    static Integer httpCode(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber()) {
            return n.intValue();
        }
        String t = Fields.text(n);
        if (t == null || t.length() > 4) {
            return null;
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Principal principal(Fields tr, Hints hints) {
        JsonNode raw = tr.raw("user");
        Fields u = tr.obj("user");
        String domainId = tr.text("domainid");
        if (u.isEmpty()) {
            String plain = Fields.text(raw);
            String account = domainId != null ? domainId : hints.accountId();
            if (plain != null) {
                // v1 placeholders and legacy forms carry the user as a bare string.
                return new Principal(PrincipalType.USER, null, plain, account, null, null, null, null);
            }
            String traceType = tr.text("tracetype");
            boolean system = traceType != null && traceType.equalsIgnoreCase("SystemAction");
            return new Principal(system ? PrincipalType.SERVICE : PrincipalType.OTHER, null,
                    system ? "system" : "unknown", account, null, null, null, null);
        }
        Fields domain = u.obj("domain");
        String accountId = u.text("accountid");
        if (accountId == null) {
            accountId = domain.text("id");
        }
        if (accountId == null) {
            accountId = domainId != null ? domainId : hints.accountId();
        }
        String name = u.text("name", "username");
        String id = u.text("id");
        String principalId = u.text("principalid");
        if (id == null) {
            id = principalId;
        }
        String urn = u.text("principalurn", "urn");
        String ak = Redactor.maskAccessKeyId(u.text("accesskeyid"));
        String type = u.text("type");
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        String issuer = u.text("originuser");
        Fields assumedBy = u.obj("assumedby");
        if (issuer == null && !assumedBy.isEmpty()) {
            Fields by = assumedBy.obj("user");
            if (by.isEmpty()) {
                by = assumedBy;
            }
            String byDomain = by.obj("domain").text("name");
            String byName = by.text("name");
            issuer = byDomain != null && byName != null ? byDomain + "/" + byName : (byName != null ? byName : byDomain);
        }
        String domainName = domain.text("name");
        if (name != null && (name.endsWith("/op_service") || "op_service".equalsIgnoreCase(domainName))) {
            // The platform elevated a call on a user's behalf (CTS FAQ): a service-side call, not the user's own.
            String onBehalfOf = name.endsWith("/op_service") ? name.substring(0, name.length() - "/op_service".length()) : null;
            return new Principal(PrincipalType.SERVICE, id, name, accountId, null, null,
                    Redactor.text(issuer != null ? issuer : onBehalfOf), ak);
        }
        boolean agency = t.equals("assumedagency") || t.equals("assumed-agency")
                || (t.isEmpty() && urn != null && urn.contains("assumed-agency"));
        boolean external = t.equals("externaluser") || t.equals("external-user") || t.equals("federateduser")
                || (t.isEmpty() && urn != null && urn.contains("external-user"));
        if (agency) {
            String agencyName = null;
            String session = null;
            if (urn != null && urn.contains("assumed-agency:")) {
                // <agency>/<session>: a session name has no '/', an agency name may (any characters: never cut at its first '/')
                String rest = urn.substring(urn.indexOf("assumed-agency:") + "assumed-agency:".length());
                int slash = rest.lastIndexOf('/');
                agencyName = slash > 0 ? rest.substring(0, slash) : rest;
                session = slash > 0 ? rest.substring(slash + 1) : null;
            }
            if (agencyName == null && name != null) {
                // <domain>/<agency>: a domain name has no '/'
                agencyName = name.contains("/") ? name.substring(name.indexOf('/') + 1) : name;
            }
            if (session == null && principalId != null && principalId.contains(":")) {
                session = principalId.substring(principalId.indexOf(':') + 1);
            }
            return new Principal(PrincipalType.ASSUMED_AGENCY, id, name, accountId, agencyName, session,
                    Redactor.text(issuer), ak);
        }
        if (external) {
            String idp = name != null && name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
            String session = name != null && name.contains("/") ? name.substring(name.indexOf('/') + 1) : null;
            return new Principal(PrincipalType.FEDERATED, id, name, accountId, null, session,
                    Redactor.text(issuer != null ? issuer : idp), ak);
        }
        boolean rootUser = "true".equalsIgnoreCase(u.text("principalisrootuser"))
                || (name != null && domainName != null && name.equals(domainName));
        PrincipalType pt = switch (t) {
            // the root user (与账户同名的缺省子用户) holds every permission: seed 004, 功能依赖
            case "", "user", "iamuser" -> rootUser ? PrincipalType.ROOT_ACCOUNT : PrincipalType.USER;
            case "root", "domain", "account", "rootuser" -> PrincipalType.ROOT_ACCOUNT;
            case "service", "system", "serviceprincipal" -> PrincipalType.SERVICE;
            default -> PrincipalType.OTHER;
        };
        return new Principal(pt, id, name, accountId, null, null, Redactor.text(issuer), ak);
    }
}
