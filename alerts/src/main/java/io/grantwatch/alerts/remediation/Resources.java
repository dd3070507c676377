package io.grantwatch.alerts.remediation;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The narrowest resource the evidence names for an action, in the cloud's ARN/URN form: an OSS/OBS
 * object action gets the object's folder ({@code bucket/prefix/*}), a bucket action the bucket, a RAM
 * role action the role, any other action the event's ARN when its service matches; {@code *} only
 * when the evidence names nothing usable (list calls, or no resource in the record).
 */
final class Resources {
    /** OSS actions that act on the bucket itself, not on objects (RAM's OSS action reference). */
    private static final Set<String> OSS_OBJECT_ACTIONS = Set.of("getobject", "putobject", "deleteobject", "getobjectacl",
            "putobjectacl", "abortmultipartupload", "listparts", "restoreobject", "getobjectmeta", "postobject", "copyobject",
            "appendobject", "getobjecttagging", "putobjecttagging", "deleteobjecttagging", "getobjectversion", "deleteobjectversion",
            "initiatemultipartupload", "uploadpart", "completemultipartupload", "headobject", "getsymlink", "putsymlink");

    private static final Pattern RAM_ACCOUNT = Pattern.compile("^acs:ram:[a-z0-9*-]*:([0-9]{1,32}):");

    /** The record named a resource that cannot be used safely: the administrator is asked for it, never given {@code *}. */
    static final String ASK = "$RESOURCE";

    private Resources() {
    }

    static List<String> narrow(Cloud cloud, String action, String grantResource, Evidence ev) {
        return cloud == Cloud.ALIBABA ? alibaba(action, grantResource, ev) : huawei(action, grantResource, ev);
    }

    /** The event's resource as one ARN/URN, or null. */
    static String exact(Cloud cloud, String resource) {
        if (resource == null) {
            return null;
        }
        if (cloud == Cloud.ALIBABA) {
            return Identifiers.alibabaArn(resource).orElse(Identifiers.bucketOf(resource).map(b -> "acs:oss:*:*:" + b).orElse(null));
        }
        return Identifiers.bucketOf(resource).map(b -> "obs:*:*:bucket:" + b).orElse(null);
    }

    private static List<String> alibaba(String action, String grantResource, Evidence ev) {
        String service = action.substring(0, action.indexOf(':')).toLowerCase(Locale.ROOT);
        String verb = action.substring(action.indexOf(':') + 1).toLowerCase(Locale.ROOT);
        for (String candidate : candidates(action, grantResource, ev)) {
            if (service.equals("oss")) {
                if (verb.equals("listbuckets") || verb.equals("getservice")) {
                    return List.of("acs:oss:*:*:*");
                }
                Optional<String> bucket = Identifiers.bucketOf(candidate);
                if (bucket.isPresent()) {
                    return OSS_OBJECT_ACTIONS.contains(verb)
                            ? List.of("acs:oss:*:*:" + bucket.get() + "/" + prefix(objectKey(candidate)) + "*")
                            : List.of("acs:oss:*:*:" + bucket.get());
                }
            } else if (service.equals("ram")) {
                Optional<String> role = Identifiers.roleName(candidate).filter(r -> candidate.contains("role/"));
                Optional<String> arn = Identifiers.alibabaArn(candidate).filter(a -> a.startsWith("acs:ram:"));
                if (role.isEmpty() && arn.isPresent()) {
                    return List.of(arn.get()); // acs:ram:*:123:role/* for CreateServiceLinkedRole, a user, a policy
                }
                if (role.isPresent()) {
                    // the seed prints PassRole on acs:ram::*:role/<name>; any other RAM action keeps the account the event names
                    Matcher m = RAM_ACCOUNT.matcher(candidate);
                    String account = verb.equals("passrole") || !m.find() ? "*" : m.group(1);
                    return List.of("acs:ram::" + account + ":role/" + role.get());
                }
            } else {
                Optional<String> arn = Identifiers.alibabaArn(candidate)
                        .filter(a -> Identifiers.arnService(a).map(service::equalsIgnoreCase).orElse(false));
                if (arn.isPresent()) {
                    return List.of(arn.get());
                }
            }
        }
        boolean claimed = candidates(action, grantResource, ev).stream().anyMatch(c -> claims(service, c));
        return claimed ? List.of(ASK) : List.of("*");
    }

    /** Whether a resource text names something of this service (an ARN/URN of it, or a bare storage path). */
    private static boolean claims(String service, String candidate) {
        String c = candidate.trim().toLowerCase(Locale.ROOT);
        boolean storage = service.equals("oss") || service.equals("obs");
        return c.startsWith("acs:" + service + ":") || c.startsWith(service + ":") || c.startsWith(service + "://")
                || (storage && !c.contains(":"));
    }

    private static List<String> huawei(String action, String grantResource, Evidence ev) {
        if (!action.toLowerCase(Locale.ROOT).startsWith("obs:")) {
            return List.of();
        }
        boolean objectAction = action.toLowerCase(Locale.ROOT).startsWith("obs:object:");
        if (action.equalsIgnoreCase("obs:bucket:ListAllMyBuckets") || action.equalsIgnoreCase("obs:bucket:CreateBucket")) {
            return List.of();
        }
        List<String> candidates = candidates(action, grantResource, ev);
        for (String candidate : candidates) {
            Optional<String> bucket = Identifiers.bucketOf(candidate);
            if (bucket.isPresent()) {
                return objectAction ? List.of("obs:*:*:object:" + bucket.get() + "/" + prefix(objectKey(candidate)) + "*")
                        : List.of("obs:*:*:bucket:" + bucket.get());
            }
        }
        return candidates.stream().anyMatch(c -> claims("obs", c)) ? List.of(ASK) : List.of();
    }

    /** The grant's own resource first, then the event's — the event's only for its own action or service. */
    private static List<String> candidates(String action, String grantResource, Evidence ev) {
        String evResource = null;
        if (ev != null && ev.resource() != null) {
            String service = action.substring(0, action.indexOf(':'));
            boolean sameAction = action.equalsIgnoreCase(String.valueOf(ev.deniedAction()));
            boolean sameService = String.valueOf(ev.deniedAction()).toLowerCase(Locale.ROOT).startsWith(service.toLowerCase(Locale.ROOT) + ":");
            // a storage refusal that names no action still names its bucket and object (only a storage event's resource is one)
            boolean storage = ev.deniedAction() == null && (service.equalsIgnoreCase("oss") || service.equalsIgnoreCase("obs"))
                    && ev.service() != null && ev.service().toLowerCase(Locale.ROOT).matches("oss|obs");
            if (sameAction || sameService || storage) {
                evResource = ev.resource();
            }
        }
        // a catalog placeholder is not a resource; an event's text is one even when it holds "${" (prefix() cuts there)
        return Stream.of(grantResource != null && grantResource.contains("${") ? null : grantResource, evResource)
                .filter(r -> r != null && !r.isBlank()).toList();
    }

    /** The object key inside {@code acs:oss:*:1:bucket/a/b}, {@code oss://bucket/a/b}, {@code obs:…:object:bucket/a/b}, {@code bucket/a/b}. */
    private static String objectKey(String resource) {
        String r = resource.trim();
        String rel = r;
        if (r.startsWith("oss://") || r.startsWith("obs://")) {
            rel = r.substring(6);
        } else if (r.startsWith("acs:") || r.startsWith("obs:")) {
            String[] parts = r.split(":", 5);
            rel = parts.length == 5 ? parts[4] : "";
        }
        int slash = rel.indexOf('/');
        return slash < 0 ? "" : rel.substring(slash + 1);
    }

    /**
     * The folder of an object key ({@code data/train/x.csv} → {@code data/train/}); empty for a key at the
     * top of the bucket. A policy reads {@code *} and {@code ?} as wildcards and nothing escapes them, so
     * the folder is cut before the first of them (or before a character no policy should carry) and the
     * resource's trailing {@code *} covers the rest: still narrower than the whole bucket.
     */
    static String prefix(String key) {
        int slash = key.lastIndexOf('/');
        if (slash <= 0) {
            return "";
        }
        String folder = key.substring(0, slash + 1);
        for (int i = 0; i < folder.length(); i++) {
            char c = folder.charAt(i);
            if (c == '*' || c == '?' || c == '$' || c == '"' || c == '\\' || c == '`'
                    || (!Character.isSurrogate(c) && io.grantwatch.model.text.UnsafeText.unsafe(c))) {
                folder = folder.substring(0, i);
                break;
            }
        }
        int dots = folder.indexOf("..");
        if (dots >= 0) {
            folder = folder.substring(0, folder.lastIndexOf('/', dots) + 1);
        }
        return folder.startsWith("/") ? "" : folder;
    }
}
