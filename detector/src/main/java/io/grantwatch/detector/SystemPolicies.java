package io.grantwatch.detector;

import io.grantwatch.model.Cloud;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A last-resort reading of a system policy the catalog does not list: both clouds name their
 * system policies after the service ({@code AliyunOSSFullAccess}, {@code OBS OperateAccess}), so
 * the name gives the action prefix the policy most likely covers. Findings built on this guess
 * say so and carry certainty POSSIBLE.
 */
final class SystemPolicies {
    private static final Pattern ALIBABA = Pattern.compile("^Aliyun([A-Z][A-Za-z]*?)(FullAccess|ReadOnlyAccess|[A-Z][a-z]*Access)$");
    private static final Pattern HUAWEI = Pattern.compile("^([A-Za-z]+)\\s+\\S+");

    private SystemPolicies() {
    }

    /** An action pattern like {@code oss:*} or {@code obs:*}, or null. */
    static String guessCover(Cloud cloud, String policy) {
        if (policy == null) {
            return null;
        }
        Matcher m = (cloud == Cloud.ALIBABA ? ALIBABA : HUAWEI).matcher(policy.trim());
        if (!m.find()) {
            return null;
        }
        String service = m.group(1).toLowerCase(Locale.ROOT);
        if (service.isBlank() || service.equals("tenant") || service.equals("security")) {
            return null;
        }
        // a policy named after the product, not its RAM code: AliyunPAIEASFullAccess covers eas:* (PAI's RAM reference)
        return (service.equals("paieas") ? "eas" : service) + ":*";
    }
}
