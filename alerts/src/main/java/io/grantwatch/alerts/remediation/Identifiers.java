package io.grantwatch.alerts.remediation;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Event-derived names that may enter a policy document, a shell command or Terraform. Event text is
 * attacker-controlled: a name enters a document only when it matches the cloud's own naming rules,
 * otherwise the planner writes a {@code ${Placeholder}} and tells the reader to fill it in. That keeps
 * quotes, newlines and mention syntax out of every document and command we print.
 */
public final class Identifiers {
    /** OSS / OBS bucket names: 3-63 lower-case letters, digits and hyphens. */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    /** RAM role, user and group names; Huawei agency and user names (a common safe subset). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern AGENCY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-]");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{1,32}|[0-9a-f]{32}");
    private static final Pattern WORKSPACE = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern ALIBABA_ARN =
            Pattern.compile("acs:([a-z0-9-]+):([a-z0-9-]*|\\*):([0-9]*|\\*):([A-Za-z0-9/._*-]{1,512})");
    private static final Pattern ROLE_ARN = Pattern.compile("acs:ram:[a-z0-9*-]*:(?:[0-9]*|\\*):role/([A-Za-z0-9._-]{1,64})");
    private static final Pattern HUAWEI_ACTION = Pattern.compile("[a-z0-9-]{1,32}:[A-Za-z0-9*]{1,64}:[A-Za-z0-9*]{1,128}");
    private static final Pattern ALIBABA_ACTION = Pattern.compile("[a-z0-9-]{1,32}:[A-Za-z0-9*]{1,128}");
    private static final Pattern POLICY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}");

    private Identifiers() {
    }

    public static boolean bucket(String s) {
        return s != null && BUCKET.matcher(s).matches();
    }

    public static boolean name(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /** A Huawei agency name: a {@link #name} that may also hold inner spaces (quoted wherever it is printed in a command). */
    public static boolean agencyName(String s) {
        return name(s) || s != null && AGENCY_NAME.matcher(s).matches();
    }

    public static boolean account(String s) {
        return s != null && ACCOUNT.matcher(s).matches();
    }

    public static boolean workspace(String s) {
        return s != null && WORKSPACE.matcher(s).matches();
    }

    public static boolean alibabaAction(String s) {
        return s != null && ALIBABA_ACTION.matcher(s).matches();
    }

    public static boolean huaweiAction(String s) {
        return s != null && HUAWEI_ACTION.matcher(s).matches();
    }

    /** System policy names as documented: {@code AliyunPAIEASFullAccess}, {@code ModelArts CommonOperations}. */
    public static boolean policyName(String s) {
        return s != null && POLICY_NAME.matcher(s).matches();
    }

    /**
     * The role name in {@code acs:ram::123:role/Name} or {@code acs:ram:*:123:role/Name}, or a bare
     * valid role name. A trailing period is sentence punctuation from an error message, not part of the name.
     */
    public static Optional<String> roleName(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        String r = resource.trim().replaceAll("\\.+$", "");
        Matcher m = ROLE_ARN.matcher(r);
        if (m.matches()) {
            return Optional.of(m.group(1));
        }
        return name(r) ? Optional.of(r) : Optional.empty();
    }

    /** A syntactically valid Alibaba ARN (the whole string), or empty. */
    public static Optional<String> alibabaArn(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        String r = resource.trim();
        return ALIBABA_ARN.matcher(r).matches() ? Optional.of(r) : Optional.empty();
    }

    /** The ARN's service ({@code oss}, {@code ram}, {@code paidsw}) or empty. */
    public static Optional<String> arnService(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        Matcher m = ALIBABA_ARN.matcher(arn.trim());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /**
     * The bucket an OSS or OBS resource names: {@code acs:oss:*:123:bkt/a/b}, {@code oss://bkt/x},
     * {@code obs:cn-north-4:d:object:bkt/x}, {@code obs://bkt}, {@code bkt/x} or {@code bkt}.
     */
    public static Optional<String> bucketOf(String resource) {
        if (resource == null || resource.isBlank()) {
            return Optional.empty();
        }
        String r = resource.trim();
        String rel;
        if (r.startsWith("oss://") || r.startsWith("obs://")) {
            rel = r.substring(6);
        } else if (r.startsWith("acs:oss:")) {
            String[] parts = r.split(":", 5);
            rel = parts.length == 5 ? parts[4] : "";
        } else if (r.startsWith("obs:")) {
            String[] parts = r.split(":", 5);
            rel = parts.length == 5 ? parts[4] : "";
        } else if (r.contains(":")) {
            return Optional.empty();
        } else {
            rel = r;
        }
        int slash = rel.indexOf('/');
        String bucket = slash >= 0 ? rel.substring(0, slash) : rel;
        return bucket(bucket) ? Optional.of(bucket) : Optional.empty();
    }

    /** The workspace id in {@code acs:paidsw:cn-hangzhou:123:workspace/640957} style ARNs. */
    public static Optional<String> workspaceOf(String resource) {
        if (resource == null) {
            return Optional.empty();
        }
        int i = resource.indexOf("workspace/");
        if (i < 0) {
            return Optional.empty();
        }
        String rest = resource.substring(i + "workspace/".length());
        int slash = rest.indexOf('/');
        String id = slash >= 0 ? rest.substring(0, slash) : rest;
        return workspace(id) ? Optional.of(id) : Optional.empty();
    }

    /** POSIX single-quoting: the text is one shell word whatever it contains. */
    public static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
