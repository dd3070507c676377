package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.catalog.Scenario;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogExplainerTest {
    private static final Catalog CATALOG = CatalogLoader.loadBundled();
    private final CatalogExplainer explainer = new CatalogExplainer(new CatalogIndex(CATALOG));

    @Test
    void shouldListEveryModelArtsScenarioAndAgencyScopeWhenAskedForObsGetObject() {
        CatalogExplainer.Explanation e = explainer.explain("obs:object:GetObject");
        List<String> expected = CATALOG.scenarios().stream()
                .filter(s -> s.requirements().stream().anyMatch(r -> r.grant().value().equalsIgnoreCase("obs:object:GetObject")))
                .map(Scenario::id).toList();
        assertThat(e.scenarioIds()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(e.scenarioIds()).contains(
                "modelarts.devenv.ide-plugin", "modelarts.training", "modelarts.workflow.data", "modelarts.ai-app",
                "modelarts.inference.batch", "modelarts.data.datasets",
                "modelarts.agency.devenv.jupyterlab", "modelarts.agency.training", "modelarts.agency.inference.batch",
                "modelarts.agency.data.datasets", "modelarts.agency.workflow.data");
        assertThat(e.scenarioIds()).hasSize(11);
        String text = CatalogExplainer.render(e);
        assertThat(text).contains("11 scenario(s)").contains("004_cae65db658487c65.txt § 委托基础授权范围 > 训练作业")
                .contains("AGENCY_ACTION obs:object:GetObject");
    }

    @Test
    void shouldGiveThePassRolePolicyFromTheDswDocumentWhenAskedForPassRoleFailedError() {
        CatalogExplainer.Explanation e = explainer.explain("PassRoleFailedError");
        assertThat(e.errorCodes()).singleElement().satisfies(r -> assertThat(r.errorCode()).isEqualTo("PassRoleFailedError"));
        assertThat(e.scenarioIds()).containsExactly("pai.dsw-role.custom");
        String text = CatalogExplainer.render(e);
        assertThat(text)
                .contains("PASS_ROLE ram:PassRole on acs:ram::*:role/${RoleName}")
                .contains("\"Action\": \"ram:PassRole\",")
                .contains("\"Resource\": \"acs:ram::*:role/${RoleName}\"")
                .contains("003_cd0dd68eccf6a02e.txt § FAQ > Q: カスタムロールを選択すると、PassRoleFailedError");
    }

    @Test
    void shouldGiveTheTrustPolicyWhenAskedForAssumeRoleFailedError() {
        String text = CatalogExplainer.render(explainer.explain("AssumeRoleFailedError"));
        assertThat(text).contains("TRUST_PRINCIPAL pai.aliyuncs.com").contains("\"Service\": [ \"pai.aliyuncs.com\" ]");
    }

    @Test
    void shouldAnswerADeniedActionOfAServiceWhoseSeedRowNamesNoAction() {
        // The seed says OSS offers fine-grained policies to grant as the work needs, and names none: a denied
        // oss: action is answered by that row (a DENIED_ACTION), never by an invented oss:* grant.
        CatalogExplainer.Explanation e = explainer.explain("oss:GetObject");
        assertThat(e.matches()).allSatisfy(m -> assertThat(m.requirement().grant().type().name()).isEqualTo("DENIED_ACTION"));
        assertThat(e.scenarioIds()).contains("pai.itag.oss", "pai.dlc.oss", "pai.eas.oss");
    }

    @Test
    void shouldListEveryModuleWhenAskedForASystemPolicy() {
        assertThat(explainer.explain("AliyunOSSFullAccess").scenarioIds())
                .containsExactlyInAnyOrder("pai.itag.oss", "pai.designer.oss", "pai.dlc.oss", "pai.eas.oss", "pai.dsw-role.custom");
        assertThat(explainer.explain("aliyunnasfullaccess").scenarioIds()).containsExactlyInAnyOrder("pai.dsw.nas", "pai.dlc.nas");
    }

    @Test
    void shouldMapAnAuditedApiToItsActionAndScenarios() {
        CatalogExplainer.Explanation e = explainer.explain("ModelArts/CreateJobV2");
        assertThat(e.apiActions()).containsExactly("modelarts:trainJob:create");
        assertThat(e.scenarioIds()).contains("modelarts.training", "modelarts.devenv.ide-plugin", "modelarts.workflow.training");
    }

    @Test
    void shouldMatchTheWildcardGrantOfTheWorkspaceScenario() {
        CatalogExplainer.Explanation e = explainer.explain("modelarts:dataset:deleteDataset");
        assertThat(e.matches()).anySatisfy(m -> {
            assertThat(m.scenario().id()).isEqualTo("modelarts.workspace.delete");
            assertThat(m.via()).isEqualTo("pattern modelarts:*:*delete*");
        });
    }

    @Test
    void shouldSayNothingNeedsItWhenUnknown() {
        CatalogExplainer.Explanation e = explainer.explain("NoSuchThing");
        assertThat(e.found()).isFalse();
        assertThat(CatalogExplainer.render(e)).contains("nothing in the catalog needs NoSuchThing");
    }
}
