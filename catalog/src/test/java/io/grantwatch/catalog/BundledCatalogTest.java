package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Cloud;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.catalog.CatalogIndex;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class BundledCatalogTest {

    @Test
    void shouldPrintTheErratumSpellingWhenASeedMisCasesAnAction() {
        io.grantwatch.model.catalog.CatalogIndex index = new io.grantwatch.model.catalog.CatalogIndex(CatalogLoader.loadBundled());
        org.assertj.core.api.Assertions.assertThat(index.corrected("obs:bucket:ListAllMybuckets")).isEqualTo("obs:bucket:ListAllMyBuckets");
        org.assertj.core.api.Assertions.assertThat(index.corrected("obs:object:GetObject")).isEqualTo("obs:object:GetObject");
    }

    @Test
    void shouldLoadCleanWhenShipped() {
        assertThat(CatalogLoader.lintBundled()).isEmpty();
        Catalog catalog = CatalogLoader.loadBundled();
        assertThat(catalog.areas()).extracting(CatalogArea::id)
                .containsExactly("modelarts", "modelarts-agency", "pai", "pai-dsw-role");
        assertThat(catalog.version()).matches("\\d{4}-\\d{2}-\\d{2}\\.[0-9a-f]{12}");
    }

    @Test
    void shouldListEveryDataFileWhenBundled() throws IOException {
        Path dir = Path.of("src/main/resources/catalog");
        try (Stream<Path> s = Files.list(dir)) {
            String[] onDisk = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toArray(String[]::new);
            assertThat(CatalogLoader.load(dir).areas()).hasSize(onDisk.length);
            assertThat(CatalogLoader.loadBundled().version()).isEqualTo(CatalogLoader.load(dir).version());
        }
    }

    @Test
    void shouldRebuildTheSameCatalogFromItsTopicEntries() {
        Catalog catalog = CatalogLoader.loadBundled();
        Map<String, CatalogEntry> entries = catalog.toEntries();
        assertThat(entries.keySet()).last().isEqualTo(CatalogEntry.MANIFEST_KEY);
        // Through the wire serde, as the detector's global table reads them.
        Serde<CatalogEntry> serde = Topics.defaults().catalog().valueSerde();
        List<CatalogEntry> read = new ArrayList<>();
        for (CatalogEntry e : entries.values()) {
            read.add(serde.deserializer().deserialize("catalog", serde.serializer().serialize("catalog", e)));
        }
        assertThat(Catalog.fromEntries(read)).isEqualTo(catalog);
    }

    @Test
    void shouldKeepTheSameVersionWhenLoadedTwice() {
        assertThat(CatalogLoader.loadBundled().version()).isEqualTo(CatalogLoader.loadBundled().version());
    }

    @Test
    void shouldResolveTheDocumentedLookupsWhenIndexed() {
        CatalogIndex index = new CatalogIndex(CatalogLoader.loadBundled());
        // No vendor page confirms a PaiDsw API-to-action map (the DSW API pages disclose no authorization), so the catalog has none.
        assertThat(index.actionsForApi(Cloud.ALIBABA, "PaiDsw", "CreateInstance")).isEmpty();
        assertThat(index.actionsForApi(Cloud.ALIBABA, "Eas", "CreateService")).containsExactly("eas:CreateService");
        assertThat(index.actionsForApi(Cloud.HUAWEI, "ModelArts", "CreateJobV2")).containsExactly("modelarts:trainJob:create");
        assertThat(index.actionsForApi(Cloud.HUAWEI, "ModelArts", "createNotebook")).containsExactly("modelarts:notebook:create");
        // OBS data traces (getObject) are not in the CTS trace table; bucket traces are.
        assertThat(index.actionsForApi(Cloud.HUAWEI, "OBS", "getObject")).isEmpty();
        assertThat(index.actionsForApi(Cloud.HUAWEI, "OBS", "createBucket")).containsExactly("obs:bucket:CreateBucket");
        assertThat(index.byErrorCode(Cloud.ALIBABA, "PassRoleFailedError")).singleElement()
                .satisfies(r -> assertThat(r.grant().resource()).isEqualTo("acs:ram::*:role/${RoleName}"));
        assertThat(index.byServiceFallback(Cloud.ALIBABA, "eas")).extracting(r -> r.grant().value())
                .containsExactly("AliyunPAIEASFullAccess", "AliyunPAIEASReadOnlyAccess");
        // No seed or confirmed vendor page says what AliyunPAIEASFullAccess covers: an EAS denial reaches it only
        // through the service fallback, where the seed gives the policy as an example.
        assertThat(index.byAction(Cloud.ALIBABA, "eas:CreateService")).isEmpty();
        assertThat(index.byAction(Cloud.ALIBABA, "oss:GetObject")).extracting(r -> r.grant().type().name()).containsOnly("DENIED_ACTION");
        assertThat(index.byAction(Cloud.HUAWEI, "dli:jobs:listAll")).extracting(r -> r.id())
                .contains("modelarts.workflow.dli/dli:jobs:list_all", "modelarts.agency.workflow.dli/dli:jobs:listAll");
        assertThat(index.byHints(Cloud.ALIBABA, "BssOpenApi", "CreateInstance", Map.of("ProductCode", "odps")))
                .extracting(r -> r.grant().value()).contains("AliyunBSSOrderAccess", "AliyunDataWorksFullAccess");
        assertThat(index.scenariosSignalledBy(Cloud.HUAWEI, "modelarts:trainJob:create")).extracting(s -> s.id())
                .contains("modelarts.training", "modelarts.agency.training");
    }
}
