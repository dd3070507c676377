package io.grantwatch.ingest.parse;

import io.grantwatch.model.Outcome;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Outcome classification and denied-action extraction, pure functions over the strings a record
 * carries. Authorization denials ({@link Outcome#DENIED}) are told apart from authentication
 * failures and every other error ({@link Outcome#FAILED}); see formats.md §1.3, §2.3 and §3.
 */
public final class Classifier {

    /** What a denial names, when the record prints it. */
    public record Denial(String iamAction, String resource, boolean explicitDeny) {
        static final Denial NONE = new Denial(null, null, false);
    }

    // RAM/OSS/PAI/MNS families (formats.md §1.3), misspellings included.
    private static final Pattern DENIED_CODE = Pattern.compile(
            "(?i)^(NoPermission|NoPermissions|NoPermissionError|NotAuthorized|AccessDenied|AccessForbidden|AccessForbid"
                    + "|RamAuthError|PassRoleFailedError|AssumeRoleFailedError|Forbidden|Forbbiden|Forbedden"
                    + "|Unauthorized|PermissionDenied|NoAuth)([.:].*)?$");
    // Any dot-segment (aliyun/iac-code PR #256): Auth.AccessDenied.WorkSpace, CCAI.TenantPermission.NoAuth.
    private static final Set<String> DENIED_SEGMENTS = Set.of(
            "forbidden", "forbbiden", "forbedden", "nopermission", "nopermissions", "accessdenied", "accessforbid",
            "accessforbidden", "noauth", "notauthorized", "unauthorized", "permissiondenied", "ramautherror",
            "nopermissionerror");
    private static final Pattern AUTHN_CODE = Pattern.compile(
            "(?i)^(InvalidAccessKeyId|InvalidSecurityToken|SignatureDoesNotMatch|InvalidAuthorization"
                    + "|IncompleteSignature|InvalidAccessKeySecret|SecurityTokenExpired|InvalidAccessKey"
                    + "|MissingSecurityToken|InvalidToken|TokenExpired|APIGW\\.0301|APIGW\\.0303)([.:].*)?$");
    // Phrases of authorization failures across RAM, OSS, PAI, MNS and Huawei IAM (lower case).
    private static final String[] AUTHZ_PHRASES = {"not authorized", "no permission", "permission denied",
        "insufficient permission", "permission is insufficient", "not have permission", "not have the permission",
        "have no permission", "policy doesn't allow", "policy doesnt allow", "policy does not allow",
        "correct permission code", "access denied", "forbidden operation", "explicit deny", "not allowed to perform",
        "unauthorized operation", "lack of permission", "lack permission", "without permission", "authaction",
        "action rejected by ram"};
    private static final Pattern EXPLICIT = Pattern.compile(
            "(?i)explicit(?:ly)?[ _-]?deny|explicitdeny|denied by (?:an )?explicit|access denied by bucket policy"
                    + "|0003-0000020[134]");

    private static final String ACTION = "([A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_*?-]+(?::[A-Za-z0-9_*?-]+)?)";
    // RAM writes "Action:", Simple Log Service "action: log:GetLogStoreLogs, resource: acs:log:…"
    private static final Pattern RAM_ACTION = Pattern.compile("(?:(?i:Resource):\\s*(\\S+?)\\s*,?\\s+)?(?i:Action):\\s*" + ACTION);
    private static final Pattern RESOURCE_AFTER = Pattern.compile("(?i:Resource):\\s*(acs:[^\\s,;\"'\\\\]+?)[.,;]?(?=\\s|$|\"|')");
    private static final Pattern AUTH_ACTION_JSON = Pattern.compile("(?i)\\\\*\"?AuthAction\\\\*\"?\\s*[:=]\\s*\\\\*\"?([A-Za-z0-9_*:-]+)");
    private static final Pattern AUTH_ACTION_XML = Pattern.compile("(?i)<AuthAction>\\s*([^<\\s]+)\\s*</AuthAction>");
    private static final Pattern AUTH_RESOURCE = Pattern.compile(
            "(?i)(?:\\\\*\"?AuthResource\\\\*\"?\\s*[:=]\\s*\\\\*\"?([^\"\\\\\\s,}]+)|<AuthResource>\\s*([^<\\s]+)\\s*</AuthResource>)");
    private static final Pattern PAI = Pattern.compile("(?i)No permission\\s+([A-Za-z][A-Za-z0-9_]*)\\s+for resource:?\\s*(acs:[^\\s,;\"'\\\\]+)");
    private static final Pattern HUAWEI_PERFORM = Pattern.compile("(?i)perform(?:\\s+the)?(?:\\s+action)?\\s*:?\\s*" + ACTION);
    private static final Pattern HUAWEI_RESOURCE = Pattern.compile("(?i)on resource:?\\s*([^\\s\"\\\\]+?)(?=[.,;]?(?:\\s|$|\"|\\\\))");
    private static final Pattern POLICY_ALLOW = Pattern.compile("(?i)policy does(?:n'?t| not) allow\\s+" + ACTION);
    private static final Pattern PERMISSION_CODE = Pattern.compile("(?i)correct permission code is\\s*" + ACTION);
    private static final Pattern NO_PERMISSION_TYPE = Pattern.compile("(?i)NoPermissionType\\\\*\"?\\s*[:=>]\\s*\\\\*\"?\\s*ExplicitDeny");

    private Classifier() {
    }

    public static boolean isDeniedCode(String code) {
        if (code == null || code.isBlank()) {
            return false;
        }
        String c = code.strip();
        if (DENIED_CODE.matcher(c).matches()) {
            return true;
        }
        for (String seg : c.split("[.:]")) {
            if (DENIED_SEGMENTS.contains(seg.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isAuthenticationCode(String code) {
        return code != null && AUTHN_CODE.matcher(code.strip()).matches();
    }

    public static boolean isAuthorizationMessage(String message) {
        if (message == null) {
            return false;
        }
        String lower = message.toLowerCase(Locale.ROOT);
        for (String p : AUTHZ_PHRASES) {
            if (lower.contains(p)) {
                return true;
            }
        }
        return false;
    }

    public static boolean mentionsExplicitDeny(String text) {
        return text != null && mentionsExplicitDeny(text, text.toLowerCase(Locale.ROOT));
    }

    private static boolean mentionsExplicitDeny(String text, String lower) {
        if (!lower.contains("explicit") && !lower.contains("0003-0000020") && !lower.contains("bucket policy")) {
            return false;
        }
        return EXPLICIT.matcher(text).find() || NO_PERMISSION_TYPE.matcher(text).find();
    }

    /**
     * ActionTrail: empty or missing errorCode is success; authentication codes are FAILED (checked first,
     * so {@code InvalidAccessKeyId.Forbidden} stays an authentication failure); the denial families and
     * an authorization message are DENIED; anything else FAILED.
     */
    public static Outcome alibabaOutcome(String errorCode, String errorMessage) {
        if (errorCode == null || errorCode.isBlank()) {
            return Outcome.ALLOWED;
        }
        if (isAuthenticationCode(errorCode)) {
            return Outcome.FAILED;
        }
        if (isDeniedCode(errorCode) || isAuthorizationMessage(errorMessage)) {
            return Outcome.DENIED;
        }
        return Outcome.FAILED;
    }

    /**
     * CTS: HTTP 403 is DENIED; 401 is an authentication failure unless the message names a policy;
     * {@code warning} (or {@code incident}, or HTTP ≥ 400) is DENIED when the error code or message
     * says authorization, FAILED otherwise. {@code warning} with HTTP 200 happens (VPC.0514).
     */
    public static Outcome huaweiOutcome(Integer httpCode, String rating, String errorCode, String message) {
        if (httpCode != null && httpCode == 403) {
            return Outcome.DENIED;
        }
        if (httpCode != null && httpCode == 401) {
            return !isAuthenticationCode(errorCode) && (isDeniedCode(errorCode) || isAuthorizationMessage(message))
                    ? Outcome.DENIED : Outcome.FAILED;
        }
        String r = rating == null ? "" : rating.toLowerCase(Locale.ROOT);
        boolean failed = r.equals("warning") || r.equals("incident") || r.equals("error") || r.equals("failed")
                || (httpCode != null && httpCode >= 400);
        if (!failed) {
            return Outcome.ALLOWED;
        }
        if (isAuthenticationCode(errorCode)) {
            return Outcome.FAILED;
        }
        return isDeniedCode(errorCode) || isAuthorizationMessage(message) ? Outcome.DENIED : Outcome.FAILED;
    }

    /** The IAM action and resource a denial text names, first match wins, in the order of formats.md §1.4/§3. */
    public static Denial extract(String... texts) {
        String action = null;
        String resource = null;
        boolean explicit = false;
        for (String t : texts) {
            if (t == null || t.isEmpty()) {
                continue;
            }
            String lower = t.toLowerCase(Locale.ROOT);
            explicit |= mentionsExplicitDeny(t, lower);
            if (action == null && lower.contains("authaction")) {
                Matcher m = AUTH_ACTION_XML.matcher(t);
                if (m.find()) {
                    action = m.group(1);
                } else if ((m = AUTH_ACTION_JSON.matcher(t)).find()) {
                    action = m.group(1);
                }
                if (action != null) {
                    Matcher r = AUTH_RESOURCE.matcher(t);
                    if (r.find() && resource == null) {
                        resource = r.group(1) != null ? r.group(1) : r.group(2);
                    }
                }
            }
            // also when AccessDeniedDetail named the action: the classic message still names the resource
            if ((action == null || resource == null) && lower.contains("action:")) {
                Matcher m = RAM_ACTION.matcher(t);
                if (m.find() && (action == null || action.equalsIgnoreCase(m.group(2)))) {
                    action = m.group(2);
                    if (resource == null) {
                        resource = m.group(1);
                    }
                    if (resource == null) {
                        // "... Action: ram:PassRole Resource: acs:ram::…" (the other order)
                        Matcher r = RESOURCE_AFTER.matcher(t);
                        if (r.find()) {
                            resource = r.group(1);
                        }
                    }
                }
            }
            if (action == null && lower.contains("no permission")) {
                Matcher m = PAI.matcher(t);
                if (m.find()) {
                    String arn = m.group(2);
                    String[] parts = arn.split(":", 3);
                    action = parts.length >= 2 && !parts[1].isEmpty() ? parts[1] + ":" + m.group(1) : m.group(1);
                    if (resource == null) {
                        resource = arn;
                    }
                }
            }
            if (action == null && lower.contains("perform")) {
                Matcher m = HUAWEI_PERFORM.matcher(t);
                if (m.find()) {
                    action = m.group(1);
                    Matcher r = HUAWEI_RESOURCE.matcher(t);
                    if (resource == null && r.find(m.end())) {
                        resource = r.group(1);
                    }
                }
            }
            if (action == null && lower.contains("allow")) {
                Matcher m = POLICY_ALLOW.matcher(t);
                if (m.find()) {
                    action = m.group(1);
                }
            }
            if (action == null && lower.contains("permission code")) {
                Matcher m = PERMISSION_CODE.matcher(t);
                if (m.find()) {
                    action = m.group(1);
                }
            }
        }
        if (action == null && resource == null && !explicit) {
            return Denial.NONE;
        }
        return new Denial(action, resource, explicit);
    }
}
