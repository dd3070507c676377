package io.grantwatch.detector;

import static io.grantwatch.detector.Events.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.model.Certainty;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.MissingGrant;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import io.grantwatch.model.catalog.Qualifier;
import io.grantwatch.model.catalog.Requirement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's qualifiers and structure, as the detector applies them to the real catalog: qualified grants
 * are at most POSSIBLE, a delete-only grant answers deletes only and ranks as workspace deletion, one seed
 * row is one requirement set, errata spellings match, and rows that name no action answer with the
 * denied action, never a wildcard.
 */
class CatalogQualifiersTest {
    private static CatalogLookup lookup;

    @BeforeAll
    static void load() {
        lookup = CatalogLookup.of(CatalogLoader.loadBundled());
    }

    private static OfflineDetector detector() {
        return new OfflineDetector(DetectorSettings.defaults(), lookup);
    }

    private static Finding single(OfflineDetector d) {
        List<Finding> fs = d.findings().stream().filter(f -> f.kind() == FindingKind.MISSING_GRANT).toList();
        assertThat(fs).hasSize(1);
        return fs.get(0);
    }

    private static Requirement requirement(String id) {
        return lookup.index().requirement(id).orElseThrow();
    }

    @Test
    void shouldNeverInferAQualifiedGrantAsLikelyOrRequired() {
        OfflineDetector d = detector();
        Principal alice = Events.iamUser("alice");
        d.accept(Events.ok(alice, T0, "ModelArts", "ShowJobV2", "modelarts:trainJobLog:get"));
        d.accept(Events.denied(alice, T0.plusSeconds(60), "ModelArts", "CreateJobV2", "modelarts:trainJob:create", "403"));
        Finding f = single(d);
        assertThat(f.missing()).isNotEmpty();
        for (MissingGrant m : f.missing().subList(1, f.missing().size())) {
            if (requirement(m.requirementId()).conditional()) {
                assertThat(m.certainty()).as(m.requirementId()).isEqualTo(Certainty.POSSIBLE);
            }
        }
        assertThat(f.missing()).anySatisfy(m -> {
            assertThat(m.grant().value()).isEqualTo("modelarts:workspace:getQuotas");
            assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE);
        });
    }

    @Test
    void shouldAnswerTheWorkspaceNoPermissionErrorWithAMemberRoleThatIsOnlyPossible() {
        OfflineDetector d = detector();
        d.accept(Events.event(Events.ramUser("bob"), T0, "PaiDsw", "ListInstances", null, Outcome.DENIED, "NoPermissionError",
                "No permission ListInstances for resource: acs:paidsw:cn-hangzhou:1:workspace/640957", null, Map.of()));
        Finding f = single(d);
        assertThat(f.scenarioId()).isEqualTo("pai.workspace");
        assertThat(f.missing()).allSatisfy(m -> assertThat(m.certainty()).isEqualTo(Certainty.POSSIBLE));
        assertThat(f.missing()).anySatisfy(m -> assertThat(m.grant().type()).isEqualTo(GrantType.WORKSPACE_ROLE));
        assertThat(f.missing()).anySatisfy(m -> assertThat(m.grant().value()).isEqualTo("リソース管理者"));
    }

    @Test
    void shouldListTheDeleteOnlyGrantForDeletesOnlyAndRankWorkspaceDeletionWhenTheUserDeletesAWorkspace() {
        Requirement deleteOnly = requirement("modelarts.workspace.delete/modelarts:*:*delete*");
        assertThat(deleteOnly.qualified(Qualifier.ONLY_WHEN_DELETING)).isTrue();
        // Not a delete: the workspace-deletion grant is nowhere.
        OfflineDetector d = detector();
        Principal carl = Events.iamUser("carl");
        d.accept(Events.denied(carl, T0, "ModelArts", "getNotebook", "modelarts:notebook:get", "403"));
        assertThat(single(d).missing()).noneSatisfy(m -> assertThat(m.grant().value()).contains("*delete*"));
        // A notebook delete while the user deletes a workspace: workspace deletion, not notebook management.
        OfflineDetector d2 = detector();
        Principal dora = Events.iamUser("dora");
        d2.accept(Events.ok(dora, T0, "ModelArts", "deleteWorkspace", "modelarts:workspace:delete"));
        d2.accept(Events.denied(dora, T0.plusSeconds(20), "ModelArts", "deleteNotebook", "modelarts:notebook:delete", "403"));
        assertThat(single(d2).scenarioId()).as(String.valueOf(single(d2))).isEqualTo("modelarts.workspace.delete");
    }

    @Test
    void shouldKeepATableDatasetUserOnTheDliRowWithoutTheDwsAndMrsRows() {
        OfflineDetector d = detector();
        d.accept(Events.denied(Events.iamUser("erin"), T0, "DLI", "listTables", "dli:database:displayAllTables", "403"));
        Finding f = single(d);
        assertThat(f.scenarioId()).isEqualTo("modelarts.data.table.dli");
        assertThat(f.missing()).noneSatisfy(m -> assertThat(m.grant().value()).startsWith("dws:"));
        assertThat(f.missing()).noneSatisfy(m -> assertThat(m.grant().value()).startsWith("mrs:"));
    }

    @Test
    void shouldMatchBothSpellingsThatAnErratumRecords() {
        OfflineDetector d = detector();
        d.accept(Events.denied(Events.iamUser("finn"), T0, "DLI", "listJobs", "dli:jobs:listAll", "403"));
        Finding f = single(d);
        assertThat(f.scenarioId()).isEqualTo("modelarts.workflow.dli");
        assertThat(f.missing().get(0).certainty()).isEqualTo(Certainty.CERTAIN);
    }

    @Test
    void shouldAnswerAnOssDenialWithTheDeniedActionNeverAWildcard() {
        OfflineDetector d = detector();
        d.accept(Events.denied(Events.ramUser("gail"), T0, "Oss", "GetObject", "oss:GetObject", "AccessDenied"));
        Finding f = single(d);
        assertThat(f.missing().get(0).grant().value()).isEqualTo("oss:GetObject");
        assertThat(f.missing()).noneSatisfy(m -> assertThat(m.grant().value()).isEqualTo("oss:*"));
        assertThat(f.missing()).noneSatisfy(m -> assertThat(m.grant().type()).isEqualTo(GrantType.DENIED_ACTION));
    }

    @Test
    void shouldTieAnEventBridgeDenialWithoutAnActionToWorkspaceNotifications() {
        OfflineDetector d = detector();
        d.accept(Events.event(Events.ramUser("hana"), T0, "eventbridge", "PutRule", null, Outcome.DENIED, "Forbidden.RAM",
                "User not authorized to operate on the specified resource", null, Map.of()));
        assertThat(single(d).scenarioId()).isEqualTo("pai.workspace.eventbridge");
    }

    @Test
    void shouldRequireBothPoliciesForARamUserWhoActivatesMaxCompute() {
        OfflineDetector d = detector();
        d.accept(Events.event(Events.ramUser("ivan"), T0, "BssOpenApi", "CreateInstance", null, Outcome.DENIED, "NoPermission",
                "no permission", null, Map.of("ProductCode", "odps")));
        Finding f = single(d);
        assertThat(f.scenarioId()).isEqualTo("pai.designer.maxcompute-activation");
        assertThat(f.missing()).extracting(m -> m.grant().value()).contains("AliyunBSSOrderAccess", "AliyunDataWorksFullAccess");
        assertThat(requirement("pai.designer.maxcompute-activation/policy:AliyunBSSOrderAccess").necessity().name()).isEqualTo("REQUIRED");
    }

    @Test
    void shouldGiveADlcUserDeniedOnOssTheOssRowsWithoutTheNasRows() {
        OfflineDetector d = detector();
        Principal jo = Events.ramUser("jo");
        d.accept(Events.ok(jo, T0, "PaiDlc", "ListJobs", "paidlc:ListJobs"));
        d.accept(Events.denied(jo, T0.plusSeconds(30), "Oss", "PutObject", "oss:PutObject", "AccessDenied"));
        Finding f = single(d);
        assertThat(f.scenarioId()).isEqualTo("pai.dlc.oss");
        assertThat(f.missing()).noneSatisfy(m -> assertThat(m.grant().value()).containsIgnoringCase("nas"));
        assertThat(f.missing()).anySatisfy(m -> assertThat(m.grant().value()).isEqualTo("AliyunOSSFullAccess"));
    }
}
