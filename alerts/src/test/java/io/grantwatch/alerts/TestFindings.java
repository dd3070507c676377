package io.grantwatch.alerts;

import io.grantwatch.alerts.remediation.SeedCitations;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Evidence;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingIds;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.IamChange;
import io.grantwatch.model.KnownDeny;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Principal;
import io.grantwatch.model.PrincipalType;
import io.grantwatch.model.catalog.Holder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Realistic findings as the detector emits them, one per seed area, plus a hostile one. */
public final class TestFindings {
    public static final String UID = "1234567890123456";
    public static final String HW_DOMAIN = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    public static final Instant T0 = Instant.parse("2026-11-20T08:00:00Z");

    private static final Citation PAI_OSS = new Citation(SeedCitations.PAI_SEED, "依存クラウドサービス: OSS");
    private static final Citation EAS = new Citation(SeedCitations.PAI_SEED, "AI開発: Elastic Algorithm Service (EAS)");

    private TestFindings() {
    }

    public static Principal alice() {
        return Principal.user(UID, "28815334868278xx", "alice");
    }

    public static Principal dswRole() {
        return new Principal(PrincipalType.ASSUMED_ROLE, "3001xx:dsw-123", "DswOssRole:dsw-123", UID, "DswOssRole",
                "dsw-123", "alice", "STS.NUxx");
    }

    public static Principal hwUser() {
        return new Principal(PrincipalType.USER, "f1e2d3c4b5a6", "zhang.wei", HW_DOMAIN, null, null, null, "HSTxx");
    }

    public static Principal hwAgency() {
        return new Principal(PrincipalType.ASSUMED_AGENCY, "a9b8c7", "modelarts_agency/op_svc_modelarts", HW_DOMAIN,
                "modelarts_agency", "op_svc_modelarts", "zhang.wei", null);
    }

    static Finding finding(FindingKind kind, Cloud cloud, Principal p, String scenario, String title, List<MissingGrant> missing,
            Evidence ev, IamChange change) {
        Grant first = missing.isEmpty() ? null : missing.get(0).grant();
        return new Finding(FindingIds.of(kind, cloud, p, scenario, first), kind, FindingStatus.OPEN, cloud, p, scenario, title,
                missing, 0.9, List.of(), ev, change, "2026.11.1", null, null, ev == null ? T0 : ev.lastSeen());
    }

    static Evidence evidence(String service, String api, String action, String resource, String code, String message) {
        return new Evidence(List.of("evt-" + api + "-1", "evt-" + api + "-2"), T0, T0.plusSeconds(120), 2, service, api, action,
                resource, code, message);
    }

    /** DSW CreateInstance with a custom instance role: PassRoleFailedError. */
    public static Finding passRole() {
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, alice(), "pai.dsw.instance-role", "DSW instance RAM role",
                List.of(new MissingGrant(new Grant(GrantType.PASS_ROLE, "ram:PassRole", "acs:ram::" + UID + ":role/DswOssRole"),
                        Certainty.CERTAIN, Holder.USER, "pai.dsw.passrole", "The user must be allowed to pass the instance role.", null,
                        SeedCitations.PASS_ROLE)),
                evidence("PaiDsw", "CreateInstance", "ram:PassRole", "acs:ram::" + UID + ":role/DswOssRole", "PassRoleFailedError",
                        "PassRoleFailedError: You are not authorized to do this action. Resource: acs:ram:*:" + UID
                                + ":role/DswOssRole Action: ram:PassRole"), null);
    }

    /** DSW CreateInstance: the role does not trust pai.aliyuncs.com. */
    public static Finding assumeRole() {
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, alice(), "pai.dsw.instance-role", "DSW instance RAM role",
                List.of(new MissingGrant(new Grant(GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com", "acs:ram::" + UID + ":role/DswOssRole"),
                        Certainty.CERTAIN, Holder.ROLE, "pai.dsw.trust", "The role must trust PAI.", null, SeedCitations.ASSUME_ROLE)),
                evidence("PaiDsw", "CreateInstance", null, "acs:ram::" + UID + ":role/DswOssRole", "AssumeRoleFailedError",
                        "AssumeRoleFailedError"), null);
    }

    /** A training job reading its dataset from OSS: oss:GetObject denied on one bucket. */
    public static Finding ossGetObject() {
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, alice(), "pai.dlc.training", "DLC training",
                List.of(new MissingGrant(Grant.action("oss:GetObject"), Certainty.CERTAIN, Holder.USER, "pai.dlc.oss-read",
                                "Read the training data.", "AliyunOSSReadOnlyAccess", PAI_OSS),
                        new MissingGrant(Grant.action("oss:ListObjects"), Certainty.LIKELY, Holder.USER, "pai.dlc.oss-list",
                                "List the dataset folder.", "AliyunOSSReadOnlyAccess", PAI_OSS)),
                evidence("Oss", "GetObject", "oss:GetObject", "acs:oss:*:" + UID + ":training-data/datasets/iris.csv", "AccessDenied",
                        "You have no right to access this object because of bucket acl."), null);
    }

    /** The DSW instance role (an assumed role session) writes to OSS. */
    public static Finding roleOssPut() {
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, dswRole(), "pai.dsw.instance-role", "DSW instance RAM role",
                List.of(new MissingGrant(Grant.action("oss:PutObject"), Certainty.CERTAIN, Holder.ROLE, "pai.dsw.oss-write",
                        "Write checkpoints.", "AliyunOSSFullAccess", PAI_OSS)),
                evidence("Oss", "PutObject", "oss:PutObject", "acs:oss:*:" + UID + ":ckpt-bucket/run1/model.pt", "AccessDenied",
                        "AccessDenied"), null);
    }

    /** EAS CreateService denied; the seed names AliyunPAIEASFullAccess. */
    public static Finding easFullAccess() {
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, alice(), "pai.eas", "EAS model service",
                List.of(new MissingGrant(Grant.systemPolicy("AliyunPAIEASFullAccess"), Certainty.CERTAIN, Holder.USER, "pai.eas.manage",
                        "Manage EAS services.", "AliyunPAIEASFullAccess", EAS)),
                evidence("eas", "CreateService", "eas:CreateService", null, "NoPermission",
                        "You are not authorized to do this action. Action: eas:CreateService"), null);
    }

    /** Designer with MaxCompute: the workspace needs the MaxCompute Developer role. */
    public static Finding maxComputeDeveloper() {
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, alice(), "pai.designer.maxcompute", "Designer on MaxCompute",
                List.of(new MissingGrant(new Grant(GrantType.WORKSPACE_ROLE, "MaxCompute Developer",
                                "acs:paidsw:cn-hangzhou:" + UID + ":workspace/640957"), Certainty.LIKELY, Holder.USER,
                        "pai.designer.mc-dev", "Run MaxCompute algorithms.", null, SeedCitations.MAXCOMPUTE_USE)),
                evidence("PAI", "CreateJob", null, "acs:paidsw:cn-hangzhou:" + UID + ":workspace/640957", "NoPermission", "denied"),
                null);
    }

    /** A guardrail: a control policy denies oss:DeleteBucket. */
    public static Finding alibabaExplicitDeny() {
        return finding(FindingKind.EXPLICIT_DENY, Cloud.ALIBABA, alice(), null, null,
                List.of(new MissingGrant(Grant.action("oss:DeleteBucket"), Certainty.CERTAIN, Holder.USER, null, "Denied explicitly.", null,
                        null)),
                evidence("Oss", "DeleteBucket", "oss:DeleteBucket", "acs:oss:*:" + UID + ":prod-models", "AccessDenied",
                        "{\"PolicyType\":\"ControlPolicy\",\"NoPermissionType\":\"ExplicitDeny\",\"AuthAction\":\"oss:DeleteBucket\","
                                + "\"EncodedDiagnosticMessage\":\"AQIBAAAAAAAAAA==\"}"), null);
    }

    /** ModelArts training reads its dataset from OBS as the user. */
    public static Finding obsGetObject() {
        return finding(FindingKind.MISSING_GRANT, Cloud.HUAWEI, hwUser(), "modelarts.training", "ModelArts training",
                List.of(new MissingGrant(Grant.action("obs:object:GetObject"), Certainty.CERTAIN, Holder.USER, "ma.train.obs-get",
                                "Read the dataset.", "OBS ReadOnlyAccess", SeedCitations.MODELARTS_DEPENDENCIES),
                        new MissingGrant(Grant.action("obs:bucket:ListBucket"), Certainty.LIKELY, Holder.USER, "ma.train.obs-list",
                                "List the dataset.", "OBS ReadOnlyAccess", SeedCitations.MODELARTS_DEPENDENCIES)),
                evidence("OBS", "GetObject", "obs:object:GetObject", "obs:cn-north-4:" + HW_DOMAIN + ":object:ma-datasets/flowers/a.jpg",
                        "403", "User: zhang.wei is not authorized to perform: obs:object:GetObject on resource: obs:cn-north-4:"
                                + HW_DOMAIN + ":object:ma-datasets/flowers/a.jpg because no identity-based policy allows the "
                                + "obs:object:GetObject action."), null);
    }

    /** ModelArts training job creation plus its OBS dependency. */
    public static Finding trainJobCreate() {
        return finding(FindingKind.MISSING_GRANT, Cloud.HUAWEI, hwUser(), "modelarts.training", "ModelArts training",
                List.of(new MissingGrant(Grant.action("modelarts:trainJob:create"), Certainty.CERTAIN, Holder.USER, "ma.train.create",
                                "Create training jobs.", "ModelArts CommonOperations", SeedCitations.MODELARTS_DEPENDENCIES),
                        new MissingGrant(Grant.action("obs:object:GetObject"), Certainty.LIKELY, Holder.USER, "ma.train.obs-get",
                                "Read the dataset.", null, SeedCitations.MODELARTS_DEPENDENCIES)),
                evidence("ModelArts", "CreateJobV2", "modelarts:trainJob:create", null, "ModelArts.0203", "Forbidden"), null);
    }

    /** The ModelArts agency writes training output to OBS. */
    public static Finding agencyObs() {
        return finding(FindingKind.MISSING_GRANT, Cloud.HUAWEI, hwAgency(), "modelarts.agency.training", "ModelArts agency (training)",
                List.of(new MissingGrant(new Grant(GrantType.AGENCY_ACTION, "obs:object:PutObject", null), Certainty.CERTAIN, Holder.AGENCY,
                                "ma.agency.obs-put", "Write training output.", null, SeedCitations.MODELARTS_AGENCY),
                        new MissingGrant(new Grant(GrantType.AGENCY_ACTION, "swr:repository:getRepository", null), Certainty.LIKELY,
                                Holder.AGENCY, "ma.agency.swr", "Pull the image.", "SWR Admin", SeedCitations.MODELARTS_AGENCY)),
                evidence("OBS", "PutObject", "obs:object:PutObject", "obs:cn-north-4:" + HW_DOMAIN + ":object:ma-output/job1/model.bin",
                        "403", "not authorized"), null);
    }

    /** Huawei explicit deny from an identity policy. */
    public static Finding huaweiExplicitDeny() {
        return finding(FindingKind.EXPLICIT_DENY, Cloud.HUAWEI, hwUser(), null, null,
                List.of(new MissingGrant(Grant.action("modelarts:trainJob:delete"), Certainty.CERTAIN, Holder.USER, null, "Denied.", null,
                        null)),
                evidence("ModelArts", "DeleteTrainingJob", "modelarts:trainJob:delete", null, "403",
                        "User: zhang.wei is not authorized to perform: modelarts:trainJob:delete on resource: * with an explicit deny "
                                + "in the identity-based policy."), null);
    }

    /** A drift: AliyunPAIEASFullAccess detached before anyone was denied. */
    public static Finding predictedBreakage() {
        IamChange change = new IamChange("evt-detach-1", T0.minusSeconds(600), "DetachPolicyFromUser", "admin", "alice",
                "AliyunPAIEASFullAccess");
        return finding(FindingKind.PREDICTED_BREAKAGE, Cloud.ALIBABA, alice(), "pai.eas", "EAS model service",
                List.of(new MissingGrant(Grant.systemPolicy("AliyunPAIEASFullAccess"), Certainty.LIKELY, Holder.USER, "pai.eas.manage",
                        "Manage EAS services.", "AliyunPAIEASFullAccess", EAS)), null, change);
    }

    /**
     * The drift finding for a policy attached to alice whose Deny blocks the EAS call she used: the blocked action, the
     * Deny statement carried as a known Deny, no policy to give back.
     */
    public static Finding predictedBreakageByAttachedDeny() {
        IamChange change = new IamChange("evt-attach-1", T0.minusSeconds(600), "AttachPolicyToUser", "admin", "user alice", "p-deny");
        Finding f = finding(FindingKind.PREDICTED_BREAKAGE, Cloud.ALIBABA, alice(), "pai.eas", "EAS model service",
                List.of(new MissingGrant(Grant.action("eas:CreateService"), Certainty.CERTAIN, Holder.USER, null,
                        "AttachPolicyToUser by admin attached p-deny to user alice; statement \"NoCreate\" (#1) denies eas:CreateService.",
                        null, EAS)), null, change);
        return f.withKnownDenies(List.of(new KnownDeny("p-deny", "Custom", null, "v1", "user alice", "NoCreate", 0,
                "{\"Sid\":\"NoCreate\",\"Effect\":\"Deny\",\"Action\":[\"eas:CreateService\"],\"Resource\":\"*\"}", "1", false, true)));
    }

    /** A denial the catalog does not know. */
    public static Finding unmapped() {
        return finding(FindingKind.UNMAPPED_DENIAL, Cloud.ALIBABA, alice(), null, null, List.of(),
                evidence("Ecs", "DescribeInstances", "ecs:DescribeInstances", null, "Forbidden.RAM", "User not authorized"), null);
    }

    /** A Huawei federated user (ExternalUser, identity provider "corp-idp") denied an OBS read during training. */
    public static Finding federatedObs() {
        Principal p = new Principal(PrincipalType.FEDERATED, "fd1e2", "corp-idp/li.na", HW_DOMAIN, null, null, "corp-idp", null);
        return finding(FindingKind.MISSING_GRANT, Cloud.HUAWEI, p, "modelarts.training", "Training management",
                List.of(new MissingGrant(Grant.action("obs:object:GetObject"), Certainty.CERTAIN, Holder.AGENCY, "ma.train.obs-get",
                        "Read datasets.", null, new Citation(SEED_004, "功能依赖"))),
                evidence("OBS", "GetObject", "obs:object:GetObject", "obs:cn-north-4:" + HW_DOMAIN + ":object:ma-datasets/flowers/a.jpg",
                        "AccessDenied", "Access Denied"), null);
    }

    /** The Alibaba Cloud account itself denied (root is not a RAM user). */
    public static Finding rootDenied() {
        Principal p = new Principal(PrincipalType.ROOT_ACCOUNT, UID, "root", UID, null, null, null, null);
        return finding(FindingKind.MISSING_GRANT, Cloud.ALIBABA, p, "pai.dlc", "DLC",
                List.of(new MissingGrant(Grant.action("oss:GetObject"), Certainty.CERTAIN, Holder.USER, "pai.dlc.oss-read",
                        "Read training data.", null, PAI_OSS)),
                evidence("Oss", "GetObject", "oss:GetObject", "acs:oss:*:" + UID + ":training-data/a.csv", "AccessDenied",
                        "Access denied by bucket policy."), null);
    }

    private static final String SEED_004 = SeedCitations.MODELARTS_SEED;

    public static List<Finding> all() {
        return List.of(passRole(), assumeRole(), ossGetObject(), roleOssPut(), easFullAccess(), maxComputeDeveloper(),
                alibabaExplicitDeny(), obsGetObject(), trainJobCreate(), agencyObs(), huaweiExplicitDeny(), predictedBreakage(),
                unmapped(), federatedObs(), rootDenied());
    }

    /** Every injection string of perf-reliability R12 in one place. */
    public static final List<String> INJECTIONS = List.of("<!channel>", "<!here>", "<https://evil|x>", "@all",
            "<at user_id=\"all\">", "<script>alert(1)</script>", "\u202Egnp.exe", "line\r\nInjected-Header: x", "\u0007bell\u0000nul");

    /** A finding whose every event-derived string is hostile, with a 100 KB message. */
    public static Finding hostile(Cloud cloud) {
        String all = String.join(" ", INJECTIONS);
        String big = "A".repeat(50_000) + all + "B".repeat(50_000);
        Principal p = new Principal(PrincipalType.USER, all, "eve " + all, UID, null, null, null, null);
        Evidence ev = new Evidence(List.of(all), T0, T0, 3, all, all, cloud == Cloud.ALIBABA ? "oss:GetObject" : "obs:object:GetObject",
                "acs:oss:*:*:" + all, all, big);
        return new Finding(FindingIds.of(FindingKind.MISSING_GRANT, cloud, p, "x", Grant.action("oss:GetObject")),
                FindingKind.MISSING_GRANT, FindingStatus.OPEN, cloud, p, "scenario " + all, "title " + all,
                List.of(new MissingGrant(new Grant(GrantType.ACTION, cloud == Cloud.ALIBABA ? "oss:GetObject" : "obs:object:GetObject",
                                all), Certainty.CERTAIN, Holder.USER, all, "reason " + all, "Policy " + all, new Citation("seed " + all, all)),
                        new MissingGrant(new Grant(GrantType.PASS_ROLE, "ram:PassRole", "acs:ram::*:role/" + all), Certainty.LIKELY,
                                Holder.USER, all, all, null, SeedCitations.PASS_ROLE)),
                0.5, List.of(), ev, new IamChange(all, T0, all, all, all, all), "v1", null, null, T0);
    }

    /** {@code n} distinct findings across seed areas and principals (user-0 .. user-n-1). */
    public static List<Finding> many(int n) {
        List<Finding> base = all();
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Finding b = base.get(i % base.size());
            Principal p = b.principal();
            Principal q = new Principal(p.type(), p.id() + "-" + i, (p.name() == null ? "user" : p.name()) + "-" + i, p.accountId(),
                    p.roleName() == null ? null : p.roleName() + "-" + i, p.sessionName(), p.issuer(), p.accessKeyId());
            Grant g = b.missing().isEmpty() ? null : b.missing().get(0).grant();
            out.add(new Finding(FindingIds.of(b.kind(), b.cloud(), q, b.scenarioId(), g), b.kind(), b.status(), b.cloud(), q,
                    b.scenarioId(), b.scenarioTitle(), b.missing(), b.confidence(), b.ranking(), b.evidence(), b.change(),
                    b.catalogVersion(), b.resolvedAt(), b.timeToGrant(), T0.plusSeconds(i)));
        }
        return out;
    }
}
