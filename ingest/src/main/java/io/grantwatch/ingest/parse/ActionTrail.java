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
import java.util.Map;
import java.util.regex.Pattern;

/** Alibaba Cloud ActionTrail event → {@link AuditEvent} (formats.md §1). Keys are read case-insensitively. */
final class ActionTrail {
    private ActionTrail() {
    }

    /** True when the object carries ActionTrail's own fields. */
    static boolean looksLike(Fields f) {
        return f.has("useridentity") || f.has("acsregion") || f.has("eventsource")
                || (f.has("eventname") && (f.has("eventid") || f.has("eventtime") || f.has("servicename") || f.has("eventtype")));
    }

    /** The event, or a reason why not (a String). */
    static Object normalize(Fields ev, Hints hints, SourceRef ref) {
        String eventName = ev.text("eventname");
        if (eventName == null) {
            return "ActionTrail event without eventName";
        }
        Instant time = Times.parse(ev.raw("eventtime"));
        if (time == null) {
            time = hints.time();
        }
        if (time == null) {
            // Without a time an event cannot be ordered or windowed; every real ActionTrail event has one.
            return ev.has("eventtime") ? "ActionTrail event with an unreadable eventTime" : "ActionTrail event without eventTime";
        }
        Fields ui = ev.obj("useridentity");
        Fields req = ev.obj("requestparameters");
        if (req.isEmpty()) {
            req = ev.obj("requestparameterjson");
        }
        String errorCode = ev.text("errorcode");
        String errorMessage = ev.text("errormessage");
        Outcome outcome = Classifier.alibabaOutcome(errorCode, errorMessage);
        if (errorCode == null && errorMessage != null && !isSuccessText(errorMessage)) {
            // A message without a code (seen on console sign-in failures): judge by the message.
            outcome = Classifier.isAuthorizationMessage(errorMessage) ? Outcome.DENIED : Outcome.FAILED;
        }
        Classifier.Denial denial = Classifier.Denial.NONE;
        if (outcome != Outcome.ALLOWED) {
            denial = Classifier.extract(errorMessage, detailText(ev), containerText(ev.raw("responseelements")),
                    containerText(ev.raw("additionaleventdata")));
        }
        String service = ev.text("servicename");
        if (service == null) {
            service = serviceFromHost(ev.text("eventsource"));
        }
        String resource = denial.resource() != null ? denial.resource() : ev.text("resourcename");
        String iamAction = denial.iamAction();
        if (outcome != Outcome.ALLOWED && OssEvents.isOss(service, ev.text("eventsource"))) {
            // OSS data events often refuse without naming the action ("... because of bucket acl")
            if (iamAction == null) {
                iamAction = OssEvents.action(eventName);
            }
            if (denial.resource() == null) {
                String oss = OssEvents.resource(ev, req, ui.text("accountid") != null ? ui.text("accountid") : ev.text("recipientaccountid"));
                resource = oss != null ? oss : resource;
            }
        }
        String eventId = ev.text("eventid", "requestid");
        if (eventId == null) {
            eventId = Records.syntheticId(Cloud.ALIBABA, ev.node());
        }
        String region = ev.text("acsregion");
        if (region == null) {
            region = hints.region();
        }
        if (region == null) {
            region = regionFromHost(ev.text("eventsource"));
        }
        Map<String, String> params = Params.of(req.node());
        return new AuditEvent(Cloud.ALIBABA, Redactor.text(eventId), time, principal(ui, req, ev, hints),
                Redactor.text(service), Redactor.text(eventName),
                outcome == Outcome.ALLOWED ? null : iamAction, Redactor.text(resource), outcome,
                outcome == Outcome.DENIED && denial.explicitDeny(),
                outcome == Outcome.ALLOWED ? null : Redactor.text(errorCode),
                outcome == Outcome.ALLOWED ? null : Redactor.text(errorMessage),
                Redactor.text(ev.text("sourceipaddress")), Redactor.text(region), Redactor.text(ev.text("useragent")),
                Redactor.text(ev.text("eventtype")), params, ref);
    }

    private static boolean isSuccessText(String m) {
        String t = m.strip().toLowerCase(Locale.ROOT);
        return t.equals("success") || t.equals("ok") || t.equals("successful") || t.equals("null") || t.equals("none");
    }

    private static final Pattern REGION_LABEL = Pattern.compile("^[a-z]{2,3}-[a-z]+(?:-\\d+)?$");

    /** {@code actiontrail.cn-hangzhou.aliyuncs.com} → {@code cn-hangzhou}; null when the host names no region. */
    static String regionFromHost(String host) {
        if (host == null) {
            return null;
        }
        for (String label : host.toLowerCase(Locale.ROOT).split("\\.")) {
            String l = label.startsWith("oss-") ? label.substring(4) : label;
            if (l.endsWith("-internal")) {
                l = l.substring(0, l.length() - "-internal".length());
            }
            if (REGION_LABEL.matcher(l).matches()) {
                return l;
            }
        }
        return null;
    }

    /** AccessDeniedDetail wherever it sits (top level, responseElements): JSON object or JSON string. */
    private static String detailText(Fields ev) {
        JsonNode d = ev.raw("accessdenieddetail");
        return containerText(d);
    }

    private static String containerText(JsonNode n) {
        if (n == null || n.isNull()) {
            return null;
        }
        return n.isTextual() ? n.textValue() : n.toString();
    }

    /** {@code pai-dsw.cn-hangzhou.aliyuncs.com} → {@code pai-dsw}; {@code bucket.oss-cn-hangzhou…} → {@code oss}. */
    static String serviceFromHost(String host) {
        if (host == null) {
            return null;
        }
        String[] labels = host.toLowerCase(Locale.ROOT).split("\\.");
        for (String l : labels) {
            if (l.startsWith("oss-")) {
                return "oss";
            }
        }
        return labels[0];
    }

    static Principal principal(Fields ui, Fields req, Fields ev, Hints hints) {
        String accountId = ui.text("accountid");
        if (accountId == null) {
            accountId = ev.text("recipientaccountid");
        }
        if (accountId == null) {
            accountId = hints.accountId();
        }
        String principalId = ui.text("principalid");
        String userName = ui.text("username");
        String ak = Redactor.maskAccessKeyId(ui.text("accesskeyid"));
        String arn = ui.text("arn");
        String type = ui.text("type");
        String t = type == null ? inferType(principalId, userName, ui.text("accesskeyid"), arn) : type.toLowerCase(Locale.ROOT);
        String playerUid = req.text("ststokenplayeruid");
        String stsPrincipal = req.text("ststokenprincipalname");
        if (ui.isEmpty()) {
            return new Principal(PrincipalType.OTHER, null, null, accountId, null, null, null, null);
        }
        switch (t) {
            case "root-account", "root", "alibaba-cloud-account", "account" -> {
                return new Principal(PrincipalType.ROOT_ACCOUNT, principalId != null ? principalId : accountId,
                        userName != null ? userName : "root", accountId, null, null, null, ak);
            }
            case "ram-user", "ramuser", "user" -> {
                return new Principal(PrincipalType.USER, principalId, userName != null ? userName : nameFromArn(arn, "user/"),
                        accountId, null, null, null, ak);
            }
            case "assumed-role", "assumedrole", "assumedroleuser" -> {
                String role = null;
                String session = null;
                if (userName != null && userName.contains(":")) {
                    role = userName.substring(0, userName.indexOf(':'));
                    session = userName.substring(userName.indexOf(':') + 1);
                } else if (stsPrincipal != null && stsPrincipal.contains("/")) {
                    role = stsPrincipal.substring(0, stsPrincipal.indexOf('/'));
                    session = stsPrincipal.substring(stsPrincipal.indexOf('/') + 1);
                } else if (arn != null && arn.contains("assumed-role/")) {
                    String rest = arn.substring(arn.indexOf("assumed-role/") + "assumed-role/".length());
                    int slash = rest.indexOf('/');
                    role = slash > 0 ? rest.substring(0, slash) : rest;
                    session = slash > 0 ? rest.substring(slash + 1) : null;
                } else {
                    role = userName;
                }
                if (session == null && principalId != null && principalId.contains(":")) {
                    session = principalId.substring(principalId.indexOf(':') + 1);
                }
                String issuer = playerUid != null ? playerUid : stsPrincipal;
                return new Principal(PrincipalType.ASSUMED_ROLE, principalId,
                        userName != null ? userName : (role != null && session != null ? role + ":" + session : role),
                        accountId, role, session, Redactor.text(issuer), ak);
            }
            case "system", "service", "aliyunserviceevent" -> {
                String name = userName != null ? userName : ui.text("invokedby");
                return new Principal(PrincipalType.SERVICE, principalId, name, accountId, null, null, null, ak);
            }
            case "saml-user", "sso-user", "federated", "federated-user", "saml" -> {
                return new Principal(PrincipalType.FEDERATED, principalId, userName, accountId, null, null, null, ak);
            }
            default -> {
                return new Principal(PrincipalType.OTHER, principalId, userName, accountId, null, null, null, ak);
            }
        }
    }

    /** userIdentity without a type (some exports drop it): read it from the other fields. */
    private static String inferType(String principalId, String userName, String akId, String arn) {
        if (arn != null && arn.contains(":assumed-role/")) {
            return "assumed-role";
        }
        if (arn != null && arn.endsWith(":root")) {
            return "root-account";
        }
        if ((akId != null && akId.startsWith("STS.")) || (userName != null && userName.contains(":")
                && principalId != null && principalId.contains(":"))) {
            return "assumed-role";
        }
        if ("root".equals(userName)) {
            return "root-account";
        }
        if (principalId != null || userName != null) {
            return principalId == null && userName != null && userName.endsWith(".aliyuncs.com") ? "system" : "ram-user";
        }
        return "";
    }

    private static String nameFromArn(String arn, String marker) {
        if (arn == null || !arn.contains(marker)) {
            return null;
        }
        return arn.substring(arn.indexOf(marker) + marker.length());
    }
}
