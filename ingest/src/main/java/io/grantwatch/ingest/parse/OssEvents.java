package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an OSS data event in ActionTrail denied when its message does not say ("You have no right to
 * access this object because of bucket acl."): the RAM action from the API name, and the object or
 * bucket from {@code referencedResources} or the request. OSS names its RAM actions after its APIs
 * (Alibaba Cloud OSS, "RAM policy" / "Actions" reference:
 * https://www.alibabacloud.com/help/en/oss/user-guide/ram-policy-overview); the exceptions below are
 * the APIs whose action has another name.
 */
final class OssEvents {
    private static final Pattern API = Pattern.compile("[A-Za-z]{2,64}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    private static final Map<String, String> ACTION_OF_API = Map.ofEntries(
            Map.entry("getbucket", "oss:ListObjects"), Map.entry("listobjectsv2", "oss:ListObjects"),
            Map.entry("getservice", "oss:ListBuckets"), Map.entry("headobject", "oss:GetObject"),
            Map.entry("getobjectmeta", "oss:GetObject"), Map.entry("appendobject", "oss:PutObject"),
            Map.entry("postobject", "oss:PutObject"), Map.entry("initiatemultipartupload", "oss:PutObject"),
            Map.entry("uploadpart", "oss:PutObject"), Map.entry("completemultipartupload", "oss:PutObject"),
            Map.entry("uploadpartcopy", "oss:PutObject"), Map.entry("deletemultipleobjects", "oss:DeleteObject"),
            Map.entry("getbucketinfo", "oss:GetBucketInfo"), Map.entry("getbucketstat", "oss:GetBucketStat"));

    private OssEvents() {
    }

    /** An OSS event: {@code serviceName} Oss, or an OSS endpoint as the event source. */
    static boolean isOss(String service, String eventSource) {
        return (service != null && service.equalsIgnoreCase("oss"))
                || (eventSource != null && eventSource.toLowerCase(Locale.ROOT).matches("(?:[a-z0-9-]+\\.)?oss-[a-z0-9-]+\\.aliyuncs\\.com"));
    }

    /** The RAM action of an OSS API, or null for a name that is not an API name. */
    static String action(String eventName) {
        if (eventName == null || !API.matcher(eventName).matches()) {
            return null;
        }
        return ACTION_OF_API.getOrDefault(eventName.toLowerCase(Locale.ROOT), "oss:" + eventName);
    }

    /**
     * {@code acs:oss:*:<account>:<bucket>[/<object>]}: the object in {@code referencedResources}
     * (ACS::OSS::Object), else the bucket (ACS::OSS::Bucket), else {@code BucketName}/{@code ObjectName}
     * of the request; null when none names a valid bucket.
     */
    static String resource(Fields ev, Fields req, String account) {
        Fields refs = ev.obj("referencedresources");
        String path = first(refs.raw(Fields.norm("ACS::OSS::Object")));
        if (path == null) {
            path = first(refs.raw(Fields.norm("ACS::OSS::Bucket")));
        }
        if (path == null) {
            String bucket = req.text("bucketname");
            String object = req.text("objectname", "key");
            path = bucket == null ? null : object == null ? bucket : bucket + "/" + object;
        }
        if (path == null) {
            return null;
        }
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        if (!BUCKET.matcher(bucket).matches()) {
            return null;
        }
        return "acs:oss:*:" + (account != null && account.matches("[0-9]{1,32}") ? account : "*") + ":" + path;
    }

    private static String first(JsonNode n) {
        if (n == null) {
            return null;
        }
        JsonNode v = n.isArray() ? (n.isEmpty() ? null : n.get(0)) : n;
        return v == null ? null : Fields.text(v);
    }
}
