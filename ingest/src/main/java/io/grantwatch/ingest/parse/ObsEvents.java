package io.grantwatch.ingest.parse;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an OBS data trace in CTS denied when its message does not say: the IAM action from the
 * operation name. OBS names its fine-grained actions {@code obs:object:<Operation>} for objects and
 * {@code obs:bucket:<Operation>} for buckets (Huawei Cloud OBS, "Permissions and supported actions":
 * https://support.huaweicloud.com/intl/en-us/api-obs/obs_04_0116.html); the operations whose action
 * has another name are listed.
 */
final class ObsEvents {
    private static final Pattern OPERATION = Pattern.compile("[A-Za-z]{3,64}");
    private static final Map<String, String> ACTION_OF_OPERATION = Map.ofEntries(
            Map.entry("listobjects", "obs:bucket:ListBucket"), Map.entry("listbucket", "obs:bucket:ListBucket"),
            Map.entry("listbuckets", "obs:bucket:ListAllMyBuckets"), Map.entry("headobject", "obs:object:GetObject"),
            Map.entry("getobjectmetadata", "obs:object:GetObject"), Map.entry("appendobject", "obs:object:PutObject"),
            Map.entry("postobject", "obs:object:PutObject"), Map.entry("copyobject", "obs:object:PutObject"),
            Map.entry("initiatemultipartupload", "obs:object:PutObject"), Map.entry("uploadpart", "obs:object:PutObject"),
            Map.entry("completemultipartupload", "obs:object:PutObject"), Map.entry("deleteobjects", "obs:object:DeleteObject"),
            Map.entry("listparts", "obs:object:ListMultipartUploadParts"), Map.entry("headbucket", "obs:bucket:HeadBucket"));

    private ObsEvents() {
    }

    static boolean isObs(String serviceType) {
        return serviceType != null && serviceType.equalsIgnoreCase("obs");
    }

    /** The IAM action of an OBS operation name ({@code getObject}, {@code GetObject}), or null for anything else. */
    static String action(String operation) {
        if (operation == null || !OPERATION.matcher(operation).matches()) {
            return null;
        }
        String key = operation.toLowerCase(Locale.ROOT);
        String mapped = ACTION_OF_OPERATION.get(key);
        if (mapped != null) {
            return mapped;
        }
        String name = Character.toUpperCase(operation.charAt(0)) + operation.substring(1);
        return (key.contains("object") ? "obs:object:" : "obs:bucket:") + name;
    }
}
