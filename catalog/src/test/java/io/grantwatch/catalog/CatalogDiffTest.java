package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Grant;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.Necessity;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CatalogDiffTest {
    private static final Catalog BASE = CatalogLoader.loadBundled();

    @Test
    void shouldReportNoChangesWhenIdentical() {
        CatalogDiff.Result r = CatalogDiff.between(BASE, CatalogLoader.loadBundled());
        assertThat(r.empty()).isTrue();
        assertThat(r.render()).endsWith("no changes\n");
    }

    @Test
    void shouldReportAddedRemovedAndChangedEntries() {
        List<CatalogArea> areas = new ArrayList<>();
        for (CatalogArea a : BASE.areas()) {
            if (!a.id().equals("pai-dsw-role")) {
                areas.add(a);
                continue;
            }
            List<Scenario> scenarios = new ArrayList<>();
            for (Scenario s : a.scenarios()) {
                if (s.id().equals("pai.dsw-role.access")) {
                    continue;
                }
                List<Requirement> reqs = new ArrayList<>();
                for (Requirement r : s.requirements()) {
                    if (r.id().equals("pai.dsw-role.custom/passrole")) {
                        reqs.add(new Requirement(r.id(), r.service(), r.grant(), r.covers(), r.phase(), Necessity.MAY_BE_NEEDED,
                                r.holder(), r.purpose(), r.citation()));
                    } else if (!r.id().equals("pai.dsw-role.default/odps:owner")) {
                        reqs.add(r);
                    }
                }
                if (s.id().equals("pai.dsw-role.update")) {
                    reqs.add(new Requirement("pai.dsw-role.update/ram:GetRole", "RAM", Grant.action("ram:GetRole"), null,
                            reqs.get(0).phase(), Necessity.REQUIRED, reqs.get(0).holder(), "see the role", reqs.get(0).citation()));
                }
                scenarios.add(new Scenario(s.id(), s.cloud(), s.area(), s.title(), s.originalTitle(), s.dependentServices(), reqs,
                        s.signals(), s.citation(), s.notes()));
            }
            areas.add(new CatalogArea(a.id(), a.cloud(), a.title(), a.seed(), scenarios, a.apis(), a.errorCodes().subList(0, 1),
                    a.hints(), a.fallbacks(), a.errata()));
        }
        Catalog changed = new Catalog("v2", areas);
        assertThat(CatalogDiff.between(BASE, changed).lines()).containsExactly(
                "- scenario pai.dsw-role.access (3 requirements)",
                "- requirement pai.dsw-role.default/odps:owner: DENIED_ACTION odps",
                "~ requirement pai.dsw-role.custom/passrole: necessity REQUIRED -> MAY_BE_NEEDED",
                "+ requirement pai.dsw-role.update/ram:GetRole: ACTION ram:GetRole",
                "- error code alibaba AssumeRoleFailedError");
    }

    @Test
    void shouldShowTheOldAndNewValuesOfAChangedScenarioAndRequirement() {
        List<CatalogArea> areas = new ArrayList<>();
        for (CatalogArea a : BASE.areas()) {
            List<Scenario> scenarios = new ArrayList<>();
            for (Scenario s : a.scenarios()) {
                if (!s.id().equals("pai.dsw-role.update")) {
                    scenarios.add(s);
                    continue;
                }
                List<Requirement> reqs = new ArrayList<>();
                Requirement r0 = s.requirements().get(0);
                reqs.add(new Requirement(r0.id(), r0.service(), r0.grant(), r0.covers(), r0.phase(), r0.necessity(), r0.holder(),
                        "a new purpose", r0.citation()));
                reqs.addAll(s.requirements().subList(1, s.requirements().size()));
                scenarios.add(new Scenario(s.id(), s.cloud(), s.area(), "Renamed scenario", s.originalTitle(), s.dependentServices(),
                        reqs, s.signals(), s.citation(), s.notes()));
            }
            areas.add(new CatalogArea(a.id(), a.cloud(), a.title(), a.seed(), scenarios, a.apis(), a.errorCodes(), a.hints(),
                    a.fallbacks(), a.errata()));
        }
        Scenario before = BASE.scenarios().stream().filter(s -> s.id().equals("pai.dsw-role.update")).findFirst().orElseThrow();

        List<String> lines = CatalogDiff.between(BASE, new Catalog("v2", areas)).lines();

        assertThat(lines).containsExactlyInAnyOrder(
                "~ requirement " + before.requirements().get(0).id() + ": purpose \"" + before.requirements().get(0).purpose()
                        + "\" -> \"a new purpose\"",
                "~ scenario pai.dsw-role.update: title \"" + before.title() + "\" -> \"Renamed scenario\"");
    }
}
