package io.grantwatch.alerts.remediation;

import io.grantwatch.model.Citation;

/**
 * Seed sections the planner itself relies on (the catalog's citations travel inside the findings).
 * Section names are the headings as the seeds write them.
 */
public final class SeedCitations {
    public static final String PAI_SEED = "000_35429cded2947c8d.txt";
    public static final String DSW_ROLE_SEED = "003_cd0dd68eccf6a02e.txt";
    public static final String MODELARTS_SEED = "004_cae65db658487c65.txt";

    public static final Citation PASS_ROLE = new Citation(DSW_ROLE_SEED,
            "Q: カスタムロールを選択すると、PassRoleFailedError でインスタンスの作成に失敗します。どうすれば解決できますか?");
    public static final Citation ASSUME_ROLE = new Citation(DSW_ROLE_SEED,
            "Q: カスタムロールを選択すると、AssumeRoleFailedError でインスタンスの作成に失敗します。どうすれば解決できますか?");
    public static final Citation MAXCOMPUTE_USE = new Citation(PAI_SEED, "MaxComputeの使用");
    public static final Citation PAI_DEPENDENCIES = new Citation(PAI_SEED, "PAIモジュールと依存するAlibaba Cloudサービス");
    public static final Citation MODELARTS_DEPENDENCIES = new Citation(MODELARTS_SEED, "功能依赖");
    public static final Citation MODELARTS_AGENCY = new Citation(MODELARTS_SEED, "委托授权");
    /** 委托授权的最小化: an agency's scope is what the features in use need. */
    public static final Citation AGENCY_MINIMAL_SCOPE = new Citation(MODELARTS_SEED, "委托授权的最小化");
    public static final Citation RAM_POLICY_GRAMMAR = new Citation("alibaba-ram-policy-grammar",
            "Policy structure and syntax (Deny takes precedence over Allow)",
            "https://www.alibabacloud.com/help/document_detail/93739.html");
    public static final Citation HUAWEI_POLICY_GRAMMAR = new Citation("huawei-iam-policy-grammar",
            "Policy syntax (Deny takes precedence over Allow)",
            "https://support.huaweicloud.com/intl/en-us/usermanual-iam/iam_01_0019.html");

    private SeedCitations() {
    }
}
