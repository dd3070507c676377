package io.grantwatch.ingest.parse;

import io.grantwatch.model.Cloud;
import java.time.Instant;

/**
 * What the surroundings of a record say about it, used only where the record itself is silent:
 * the delivery path ({@code CloudTraces/<region>/…}, {@code AliyunLogs/Actiontrail/<region>/…}), an
 * envelope's time, region or account (CloudEvents, SLS, SMN), or the API that returned it.
 */
public record Hints(Cloud cloud, String region, String accountId, Instant time) {
    public static final Hints NONE = new Hints(null, null, null, null);

    Hints withTime(Instant t) {
        return t == null ? this : new Hints(cloud, region, accountId, t);
    }

    Hints withCloud(Cloud c) {
        return c == null ? this : new Hints(c, region, accountId, time);
    }

    Hints with(String newRegion, String newAccount) {
        return new Hints(cloud, newRegion != null ? newRegion : region, newAccount != null ? newAccount : accountId, time);
    }

    /**
     * Hints from an OSS/OBS delivery path. ActionTrail:
     * {@code …/AliyunLogs/Actiontrail[-Insight]/[<rd>/<account>/]<region>/<yyyy>/<mm>/<dd>/Actiontrail_<region>_….gz};
     * CTS: {@code …/CloudTraces/<region>/<yyyy>/<m>/<d>/<tracker>/<service>/…_CloudTrace_<region>_….json.gz}.
     */
    public static Hints fromPath(String path) {
        if (path == null) {
            return NONE;
        }
        String[] seg = path.replace('\\', '/').split("/");
        for (int i = 0; i < seg.length; i++) {
            if (seg[i].equals("CloudTraces") && i + 1 < seg.length - 1) {
                return new Hints(Cloud.HUAWEI, seg[i + 1], null, null);
            }
            if (seg[i].equals("AliyunLogs")) {
                // find <region>/<yyyy>/<mm>/<dd>
                for (int j = i + 2; j + 1 < seg.length; j++) {
                    if (seg[j].matches("\\d{4}") && j - 1 > i + 1) {
                        String region = seg[j - 1];
                        String account = (j - 2 > i + 1 && seg[j - 2].matches("\\d{6,}")) ? seg[j - 2] : null;
                        return new Hints(Cloud.ALIBABA, region, account, null);
                    }
                }
                return new Hints(Cloud.ALIBABA, null, null, null);
            }
        }
        String name = seg[seg.length - 1];
        if (name.startsWith("Actiontrail_")) {
            String[] p = name.split("_");
            return new Hints(Cloud.ALIBABA, p.length > 2 ? p[1] : null, null, null);
        }
        int ct = name.indexOf("_CloudTrace_");
        if (ct >= 0) {
            String rest = name.substring(ct + "_CloudTrace_".length());
            int us = rest.indexOf('_');
            return new Hints(Cloud.HUAWEI, us > 0 ? rest.substring(0, us) : null, null, null);
        }
        return NONE;
    }
}
