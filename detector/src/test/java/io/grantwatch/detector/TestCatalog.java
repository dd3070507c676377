package io.grantwatch.detector;

import io.grantwatch.model.Citation;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Grant;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.catalog.ApiMapping;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.ErrorCodeRule;
import io.grantwatch.model.catalog.Holder;
import io.grantwatch.model.catalog.Necessity;
import io.grantwatch.model.catalog.ParameterHint;
import io.grantwatch.model.catalog.Phase;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import io.grantwatch.model.catalog.ServiceFallback;
import java.util.ArrayList;
import java.util.List;

/**
 * A small catalog in the shape of the real one (same ids, a subset of rows): PAI modules, the DSW
 * instance RAM role, ModelArts scenarios and agency scopes. Tests stay independent of edits to
 * the real data files; {@code RealCatalogTest} covers those.
 */
final class TestCatalog {
    static final String PAI_SEED = "000_35429cded2947c8d.txt";
    static final String DSW_SEED = "003_cd0dd68eccf6a02e.txt";
    static final String MA_SEED = "004_cae65db658487c65.txt";

    private TestCatalog() {
    }

    static Catalog build() {
        return build("test-1");
    }

    static Catalog build(String version) {
        return new Catalog(version, List.of(pai(), dswRole(), modelarts(), modelartsAgency()));
    }

    static CatalogLookup lookup() {
        return CatalogLookup.of(build());
    }

    static Requirement req(String id, String service, GrantType type, String value, String resource, List<String> covers,
                           Phase phase, Necessity necessity, Holder holder, String seed) {
        return new Requirement(id, service, new Grant(type, value, resource), covers, phase, necessity, holder,
                "purpose of " + id, new Citation(seed, "section of " + id));
    }

    static Requirement action(String scenario, String service, String action, Necessity n, Holder h, String seed) {
        GrantType t = h == Holder.AGENCY ? GrantType.AGENCY_ACTION : GrantType.ACTION;
        return req(scenario + "/" + action, service, t, action, null, List.of(), Phase.USE, n, h, seed);
    }

    static Scenario scenario(String id, Cloud cloud, String area, String title, List<Requirement> reqs, List<String> signals, String seed) {
        return new Scenario(id, cloud, area, title, title, List.of(), reqs, signals, new Citation(seed, title), null);
    }

    static CatalogArea pai() {
        List<Scenario> s = new ArrayList<>();
        s.add(scenario("pai.dsw", Cloud.ALIBABA, "pai", "Data Science Workshop (DSW)", List.of(
                req("pai.dsw/role:PAI.AlgoDeveloper", "PAI", GrantType.WORKSPACE_ROLE, "PAI.AlgoDeveloper", null, List.of("paidsw:*"),
                        Phase.USE, Necessity.REQUIRED, Holder.USER, PAI_SEED),
                req("pai.dsw/activate:nas", "NAS", GrantType.SERVICE_ACTIVATION, "nas", null, List.of(), Phase.ACTIVATION,
                        Necessity.MAY_BE_NEEDED, Holder.ACCOUNT, PAI_SEED),
                req("pai.dsw/policy:AliyunNASFullAccess", "NAS", GrantType.SYSTEM_POLICY, "AliyunNASFullAccess", null, List.of("nas:*"),
                        Phase.ACTIVATION, Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED),
                req("pai.dsw/use:nas", "NAS", GrantType.ACTION, "nas:*", null, List.of(), Phase.USE, Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED)),
                List.of("paidsw:*", "PaiDsw/*"), PAI_SEED));
        s.add(scenario("pai.dlc", Cloud.ALIBABA, "pai", "Deep Learning Containers (DLC)", List.of(
                req("pai.dlc/role:PAI.AlgoDeveloper", "PAI", GrantType.WORKSPACE_ROLE, "PAI.AlgoDeveloper", null, List.of("paidlc:*"),
                        Phase.USE, Necessity.REQUIRED, Holder.USER, PAI_SEED),
                req("pai.dlc/use:nas", "NAS", GrantType.ACTION, "nas:*", null, List.of(), Phase.USE, Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED),
                req("pai.dlc/use:oss", "OSS", GrantType.ACTION, "oss:*", null, List.of(), Phase.USE, Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED)),
                List.of("paidlc:*", "PaiDlc/*"), PAI_SEED));
        s.add(scenario("pai.eas", Cloud.ALIBABA, "pai", "Elastic Algorithm Service (EAS) model serving", List.of(
                req("pai.eas/policy:AliyunPAIEASFullAccess", "EAS", GrantType.SYSTEM_POLICY, "AliyunPAIEASFullAccess", null, List.of("eas:*"),
                        Phase.USE, Necessity.REQUIRED, Holder.USER, PAI_SEED),
                req("pai.eas/use:apigateway", "API Gateway", GrantType.ACTION, "apigateway:*", null, List.of(), Phase.USE,
                        Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED),
                req("pai.eas/use:oss", "OSS", GrantType.ACTION, "oss:*", null, List.of(), Phase.USE, Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED),
                req("pai.eas/use:log", "Simple Log Service", GrantType.ACTION, "log:*", null, List.of(), Phase.USE,
                        Necessity.MAY_BE_NEEDED, Holder.USER, PAI_SEED)),
                List.of("eas:*", "Eas/*"), PAI_SEED));
        return new CatalogArea("pai", Cloud.ALIBABA, "PAI", PAI_SEED, s,
                List.of(new ApiMapping(Cloud.ALIBABA, "Eas", "CreateService", List.of("eas:CreateService"), null)),
                List.of(new ErrorCodeRule(Cloud.ALIBABA, "NoPermissionError", List.of("pai.dsw/role:PAI.AlgoDeveloper"), "PAI RBAC", null)),
                List.of(),
                List.of(new ServiceFallback(Cloud.ALIBABA, "PaiDlc", List.of("pai.dlc/role:PAI.AlgoDeveloper"), null)),
                List.of());
    }

    static CatalogArea dswRole() {
        Scenario custom = scenario("pai.dsw-role.custom", Cloud.ALIBABA, "pai-dsw-role", "DSW instance with a custom RAM role", List.of(
                req("pai.dsw-role.custom/trust:pai.aliyuncs.com", "RAM", GrantType.TRUST_PRINCIPAL, "pai.aliyuncs.com",
                        "acs:ram::${AccountId}:role/${RoleName}", List.of("sts:AssumeRole"), Phase.USE, Necessity.REQUIRED, Holder.ROLE, DSW_SEED),
                req("pai.dsw-role.custom/policy:AliyunOSSFullAccess", "OSS", GrantType.SYSTEM_POLICY, "AliyunOSSFullAccess", null,
                        List.of("oss:*"), Phase.USE, Necessity.MAY_BE_NEEDED, Holder.ROLE, DSW_SEED),
                req("pai.dsw-role.custom/passrole", "RAM", GrantType.PASS_ROLE, "ram:PassRole", "acs:ram::*:role/${RoleName}", List.of(),
                        Phase.USE, Necessity.REQUIRED, Holder.USER, DSW_SEED)),
                List.of("ram:PassRole", "PaiDsw/CreateInstance", "paidsw:CreateInstance"), DSW_SEED);
        Scenario update = scenario("pai.dsw-role.update", Cloud.ALIBABA, "pai-dsw-role", "Change the instance RAM role of a DSW instance", List.of(
                req("pai.dsw-role.update/paidsw:UpdateInstance", "PAI", GrantType.ACTION, "paidsw:UpdateInstance", null, List.of(),
                        Phase.USE, Necessity.REQUIRED, Holder.USER, DSW_SEED),
                req("pai.dsw-role.update/passrole", "RAM", GrantType.PASS_ROLE, "ram:PassRole", "acs:ram::*:role/${RoleName}", List.of(),
                        Phase.USE, Necessity.MAY_BE_NEEDED, Holder.USER, DSW_SEED)),
                List.of("paidsw:UpdateInstance", "PaiDsw/UpdateInstance"), DSW_SEED);
        return new CatalogArea("pai-dsw-role", Cloud.ALIBABA, "DSW role", DSW_SEED, List.of(custom, update),
                List.of(new ApiMapping(Cloud.ALIBABA, "PaiDsw", "CreateInstance", List.of("paidsw:CreateInstance"), null)),
                List.of(new ErrorCodeRule(Cloud.ALIBABA, "PassRoleFailedError", List.of("pai.dsw-role.custom/passrole"), "pass role", null),
                        new ErrorCodeRule(Cloud.ALIBABA, "AssumeRoleFailedError", List.of("pai.dsw-role.custom/trust:pai.aliyuncs.com"), "trust",
                                null)),
                List.of(new ParameterHint(Cloud.ALIBABA, "PaiDsw", "CreateInstance", "CredentialConfig", "*RoleArn*",
                        List.of("pai.dsw-role.custom/passrole"), null)),
                List.of(), List.of());
    }

    static final List<String> OBS_DATA = List.of("obs:bucket:ListBucket", "obs:object:GetObject", "obs:object:PutObject");

    static CatalogArea modelarts() {
        List<Scenario> s = new ArrayList<>();
        List<Requirement> nb = new ArrayList<>();
        for (String a : List.of("modelarts:notebook:create", "modelarts:notebook:list", "modelarts:notebook:get", "modelarts:notebook:start",
                "modelarts:image:list", "aom:metric:get")) {
            nb.add(action("modelarts.devenv.notebook", a.startsWith("aom") ? "AOM" : "ModelArts", a, Necessity.REQUIRED, Holder.USER, MA_SEED));
        }
        s.add(scenario("modelarts.devenv.notebook", Cloud.HUAWEI, "modelarts", "Notebook instance lifecycle", nb,
                List.of("modelarts:notebook:*", "ModelArts/*Notebook*"), MA_SEED));
        List<Requirement> tr = new ArrayList<>();
        tr.add(action("modelarts.training", "ModelArts", "modelarts:trainJob:*", Necessity.REQUIRED, Holder.USER, MA_SEED));
        tr.add(action("modelarts.training", "ModelArts", "modelarts:image:list", Necessity.REQUIRED, Holder.USER, MA_SEED));
        tr.add(action("modelarts.training", "IAM", "iam:agencies:listAgencies", Necessity.REQUIRED, Holder.USER, MA_SEED));
        tr.add(action("modelarts.training", "SWR", "swr:repository:listTags", Necessity.MAY_BE_NEEDED, Holder.USER, MA_SEED));
        for (String a : OBS_DATA) {
            tr.add(action("modelarts.training", "OBS", a, Necessity.REQUIRED, Holder.USER, MA_SEED));
        }
        s.add(scenario("modelarts.training", Cloud.HUAWEI, "modelarts", "Training management", tr,
                List.of("modelarts:trainJob:*", "ModelArts/*JobV2"), MA_SEED));
        List<Requirement> data = new ArrayList<>();
        data.add(action("modelarts.data.datasets", "ModelArts", "modelarts:dataset:getDataset", Necessity.REQUIRED, Holder.USER, MA_SEED));
        for (String a : OBS_DATA) {
            data.add(action("modelarts.data.datasets", "OBS", a, Necessity.REQUIRED, Holder.USER, MA_SEED));
        }
        s.add(scenario("modelarts.data.datasets", Cloud.HUAWEI, "modelarts", "Datasets and labeling", data,
                List.of("modelarts:dataset:*", "ModelArts/*Dataset*"), MA_SEED));
        List<Requirement> wf = new ArrayList<>();
        for (String a : OBS_DATA) {
            wf.add(action("modelarts.workflow.data", "OBS", a, Necessity.REQUIRED, Holder.USER, MA_SEED));
        }
        s.add(scenario("modelarts.workflow.data", Cloud.HUAWEI, "modelarts", "Workflow: data", wf,
                List.of("modelarts:workflow:*", "ModelArts/*Workflow*"), MA_SEED));
        return new CatalogArea("modelarts", Cloud.HUAWEI, "ModelArts", MA_SEED, s,
                List.of(new ApiMapping(Cloud.HUAWEI, "ModelArts", "CreateJobV2", List.of("modelarts:trainJob:create"), null),
                        new ApiMapping(Cloud.HUAWEI, "ModelArts", "createNotebook", List.of("modelarts:notebook:create"), null)),
                List.of(), List.of(),
                List.of(new ServiceFallback(Cloud.HUAWEI, "SWR", List.of("modelarts.training/swr:repository:listTags"), null)),
                List.of());
    }

    static CatalogArea modelartsAgency() {
        List<Scenario> s = new ArrayList<>();
        for (String[] sc : new String[][] {
                {"modelarts.agency.training", "Agency: training jobs", "modelarts:trainJob:*", "ModelArts/*JobV2"},
                {"modelarts.agency.devenv.jupyterlab", "Agency: JupyterLab", "modelarts:notebook:*", "ModelArts/*Notebook*"},
                {"modelarts.agency.inference.batch", "Agency: batch services", "modelarts:service:*", "ModelArts/*Service*"}}) {
            List<Requirement> reqs = new ArrayList<>();
            for (String a : OBS_DATA) {
                reqs.add(action(sc[0], "OBS", a, Necessity.REQUIRED, Holder.AGENCY, MA_SEED));
            }
            s.add(scenario(sc[0], Cloud.HUAWEI, "modelarts-agency", sc[1], reqs, List.of(sc[2], sc[3]), MA_SEED));
        }
        return new CatalogArea("modelarts-agency", Cloud.HUAWEI, "ModelArts agency", MA_SEED, s, List.of(), List.of(), List.of(), List.of(),
                List.of());
    }
}
