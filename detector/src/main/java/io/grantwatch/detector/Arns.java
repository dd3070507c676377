package io.grantwatch.detector;

import io.grantwatch.model.AuditEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pulls the role a call delegates to out of an event: resource, error message or request parameters. */
public final class Arns {
    // the name must end where the ARN ends (text's end, a space, a quote, a delimiter, a full stop): a name running on into
    // other characters ("role/r$(touch x)") is not role "r" but a name GrantWatch cannot read, so no role is taken from it
    private static final Pattern ROLE_ARN = Pattern.compile("acs:ram:[^:\\s\"]*:[^:\\s\"]*:role/[A-Za-z0-9_.@-]+"
            + "(?=$|[\\s\"',\\]};\\\\]|\\.(?:$|[\\s\"'])|\\)(?:$|[\\s.,;\"']))");

    private Arns() {
    }

    /** The RAM role ARN named by the event, or null. */
    static String roleArn(AuditEvent event) {
        String found = find(event.resource());
        if (found == null) {
            found = find(event.errorMessage());
        }
        if (found == null) {
            for (Map.Entry<String, String> p : event.parameters().entrySet()) {
                found = find(p.getValue());
                if (found != null) {
                    break;
                }
            }
        }
        if (found == null) {
            String roleName = param(event.parameters(), "RoleName");
            if (roleName != null) {
                String account = event.principal().accountId();
                found = "acs:ram::" + (account == null ? "*" : account) + ":role/" + roleName;
            }
        }
        return found;
    }

    static String roleName(String arn) {
        if (arn == null) {
            return null;
        }
        int i = arn.lastIndexOf("role/");
        return i < 0 ? null : arn.substring(i + 5);
    }

    /** Every RAM role ARN in a text (a request parameter holding JSON names several), in order, without duplicates. */
    static List<String> roleArns(String text) {
        if (text == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        Matcher m = ROLE_ARN.matcher(text);
        while (m.find()) {
            out.add(trimStop(m.group()));
        }
        return List.copyOf(out);
    }

    /** The account of {@code acs:ram:<region>:<account>:role/<name>}, or null when it is empty or a wildcard. */
    static String account(String arn) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", 5);
        if (parts.length < 5 || parts[3].isEmpty() || parts[3].contains("*")) {
            return null;
        }
        return parts[3];
    }

    private static String find(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = ROLE_ARN.matcher(text);
        return m.find() ? trimStop(m.group()) : null;
    }

    /** "Failed to assume role acs:ram::1:role/x." — a sentence's full stop is not part of the name. */
    private static String trimStop(String arn) {
        int end = arn.length();
        while (end > 0 && arn.charAt(end - 1) == '.') {
            end--;
        }
        return arn.substring(0, end);
    }

    /** A request parameter by name, ignoring case and {@code _} (RoleName = role_name = roleName). */
    public static String param(Map<String, String> parameters, String name) {
        String want = normalize(name);
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            if (normalize(p.getKey()).equals(want) && p.getValue() != null && !p.getValue().isBlank()) {
                return p.getValue();
            }
        }
        return null;
    }

    private static String normalize(String key) {
        return key.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }
}
