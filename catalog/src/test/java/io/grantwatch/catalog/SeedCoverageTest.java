package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.model.Citation;
import io.grantwatch.model.GrantType;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.catalog.Erratum;
import io.grantwatch.model.catalog.Requirement;
import io.grantwatch.model.catalog.Scenario;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Reads the seed documents themselves ({@code <repo>/../shared/seeds}, as in CI) and proves that
 * every permission action and every {@code Aliyun…Access} policy they name is in the catalog, under
 * the scenario the seed puts it in; and that every citation and erratum quotes the seed verbatim.
 */
class SeedCoverageTest {
    static final String S000 = "000_35429cded2947c8d.txt";
    static final String S003 = "003_cd0dd68eccf6a02e.txt";
    static final String S004 = "004_cae65db658487c65.txt";
    static final Pattern ALIYUN_POLICY = Pattern.compile("Aliyun[A-Za-z]+Access");
    static final Pattern ALIBABA_ACTION = Pattern.compile("(?<![A-Za-z0-9:])[a-z][a-z0-9-]*:[A-Z][A-Za-z0-9*]+");
    static final Pattern HUAWEI_ACTION = Pattern.compile("(?<![A-Za-z0-9:])[a-z][a-z0-9]*:[A-Za-z*]+:[A-Za-z_*]+");

    private final Catalog catalog = CatalogLoader.loadBundled();

    /** The seed documents beside the clone ({@code ../shared/seeds} from the repo root); the test is skipped without them. */
    static Path seeds() {
        Optional<Path> p = CitationAudit.locateSeeds();
        org.junit.jupiter.api.Assumptions.assumeTrue(p.isPresent(), "seed documents (../shared/seeds) are not beside this clone");
        return p.get();
    }

    static String seed(String name) throws IOException {
        return Files.readString(seeds().resolve(name), StandardCharsets.UTF_8);
    }

    /** Section heading (in document order) → scenario id. */
    static final Map<String, String> PAI_SECTIONS = linked(
            "権限付与オブジェクト: PAIとAlibaba Cloudアカウントのサービスにリンクされたロール", "pai.service-linked-role",
            "PAIの有効化とPAIリソースの購入", "pai.activation",
            "AIワークスペースの管理", "pai.workspace",
            "AI开発: iTAG", "pai.itag",
            "AI開発: 機械学習デザイナー", "pai.designer",
            "AI開発: データサイエンスワークショップ (DSW)", "pai.dsw",
            "AI開発: DLC", "pai.dlc",
            "AI開発: Elastic Algorithm Service (EAS)", "pai.eas",
            "AIコンピューティング資産管理", "pai.asset-management",
            "AIアクセラレーション", "pai.acceleration");

    static final Map<String, String> DSW_ROLE_SECTIONS = linked(
            "シナリオ 1: PAI のデフォルトロール", "pai.dsw-role.default",
            "シナリオ 2:カスタムロール", "pai.dsw-role.custom",
            "シナリオ 3: RAM ロールを関連付けない", "pai.dsw-role.update",
            "インスタンス RAM ロールの設定を更新する", "pai.dsw-role.update",
            "ステップ 2: インスタンス RAM ロールに基づいて一時的なアクセス認証情報を取得する", "pai.dsw-role.access",
            "ステップ 3: インスタンス RAM ロールを使用して他の Alibaba Cloud サービスにアクセスする", "pai.dsw-role.access",
            "FAQ", "pai.dsw-role.custom");

    /** 004: the tables in document order (function dependency tables, then agency base scope), row label → scenario. */
    static final List<Map<String, String>> MODELARTS_TABLES = List.of(
            linked("全局配置", "modelarts.global-config", "基本功能", "modelarts.basic"),
            linked("工作空间", "modelarts.workspace"),
            linked("开发环境实例生命周期管理", "modelarts.devenv.notebook", "动态挂载存储配置", "modelarts.devenv.mount-storage",
                    "镜像管理", "modelarts.devenv.image", "保存镜像", "modelarts.devenv.save-image", "使用SSH功能", "modelarts.devenv.ssh",
                    "挂载SFS Turbo盘", "modelarts.devenv.sfs-turbo", "查看所有实例", "modelarts.devenv.all-instances",
                    "VSCode插件(本地)/ PyCharm Toolkit(本地)", "modelarts.devenv.ide-plugin"),
            linked("训练管理", "modelarts.training"),
            workflow("modelarts.workflow."),
            linked("管理AI应用", "modelarts.ai-app"),
            linked("在线服务", "modelarts.inference.online", "批量服务", "modelarts.inference.batch", "边缘服务", "modelarts.inference.edge"),
            linked("管理数据集和标注", "modelarts.data.datasets", "管理表格数据集", "modelarts.data.table",
                    "智能标注", "modelarts.data.smart-labeling", "团队标注", "modelarts.data.team-labeling"),
            linked("资源池管理", "modelarts.resource.pool", "网络管理", "modelarts.resource.network", "边缘资源池", "modelarts.resource.edge-pool"),
            linked("JupyterLab", "modelarts.agency.devenv.jupyterlab", "开发环境监控功能", "modelarts.agency.devenv.monitoring"),
            linked("训练作业", "modelarts.agency.training"),
            linked("在线服务", "modelarts.agency.inference.online", "批量服务", "modelarts.agency.inference.batch",
                    "边缘服务", "modelarts.agency.inference.edge"),
            linked("数据集和数据标注", "modelarts.agency.data.datasets", "数据标注", "modelarts.agency.data.smart-labeling"),
            linked("资源池网络管理(新版本)", "modelarts.agency.resource.network", "资源池管理", "modelarts.agency.resource.pool"),
            workflow("modelarts.agency.workflow."));

    @Test
    void shouldHoldEveryPolicyAndActionOfThePaiSeedUnderItsModule() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        int found = checkSections(soft, seed(S000), PAI_SECTIONS);
        soft.assertAll();
        assertThat(found).as("policies and actions found in 000").isGreaterThanOrEqualTo(20);
    }

    @Test
    void shouldRepresentEveryModuleAndDependentServiceRowOfThePaiSeed() throws IOException {
        String text = seed(S000);
        List<String> headings = new ArrayList<>(PAI_SECTIONS.keySet());
        Pattern bullet = Pattern.compile("(?m)^\\s*•\\s*((?:PAIモジュール|依存クラウドサービス): .+|RAMユーザーまたはRAMロールにMaxComputeへのアクセス権限を付与)\\s*$");
        SoftAssertions soft = new SoftAssertions();
        int rows = 0;
        for (int i = 0; i < headings.size(); i++) {
            int start = lineStart(text, headings.get(i), 0);
            int end = i + 1 < headings.size() ? lineStart(text, headings.get(i + 1), start + 1) : text.length();
            Matcher m = bullet.matcher(text.substring(start, end));
            String id = PAI_SECTIONS.get(headings.get(i));
            List<Requirement> family = family(id).stream().flatMap(x -> x.requirements().stream()).toList();
            while (m.find()) {
                rows++;
                String cited = headings.get(i) + " > " + m.group(1).strip();
                soft.assertThat(family).as("%s (or a scenario split from it) has a requirement citing %s", id, cited)
                        .anySatisfy(r -> assertThat(r.citation().section()).startsWith(cited));
            }
        }
        soft.assertAll();
        assertThat(rows).as("module and dependent-service rows in 000").isEqualTo(22);
    }

    @Test
    void shouldHoldEveryPolicyAndActionOfTheDswRoleSeedUnderItsScenario() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        int found = checkSections(soft, seed(S003), DSW_ROLE_SECTIONS);
        soft.assertAll();
        assertThat(found).isGreaterThanOrEqualTo(4);
        Scenario custom = scenario("pai.dsw-role.custom");
        assertThat(custom.requirements()).anySatisfy(r -> {
            assertThat(r.grant().type()).isEqualTo(GrantType.TRUST_PRINCIPAL);
            assertThat(r.grant().value()).isEqualTo("pai.aliyuncs.com");
        });
        assertThat(custom.requirements()).anySatisfy(r -> {
            assertThat(r.grant().type()).isEqualTo(GrantType.PASS_ROLE);
            assertThat(r.grant().resource()).isEqualTo("acs:ram::*:role/${RoleName}");
        });
        Set<String> codes = catalog.areas().stream().flatMap(a -> a.errorCodes().stream()).map(e -> e.errorCode())
                .collect(Collectors.toSet());
        for (String code : List.of("PassRoleFailedError", "AssumeRoleFailedError")) {
            assertThat(seed(S003)).contains(code);
            assertThat(codes).contains(code);
        }
    }

    @Test
    void shouldHoldEveryActionOfTheModelArtsSeedUnderItsScenarioAndTable() throws IOException {
        String text = applyGlueErrata(seed(S004));
        List<String> lines = text.lines().map(String::strip).toList();
        SoftAssertions soft = new SoftAssertions();
        int table = -1;
        String current = null;
        int found = 0;
        Map<Integer, Set<String>> labelsSeen = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.equals("业务场景 |")) {
                table++;
                current = null;
                continue;
            }
            if (table < 0 || table >= MODELARTS_TABLES.size()) {
                continue;
            }
            String cell = line.endsWith("|") ? line.substring(0, line.length() - 1).strip() : line;
            Map<String, String> labels = MODELARTS_TABLES.get(table);
            if (labels.containsKey(cell)) {
                current = labels.get(cell);
                labelsSeen.computeIfAbsent(table, k -> new HashSet<>()).add(cell);
                continue;
            }
            Matcher m = HUAWEI_ACTION.matcher(cell);
            while (m.find()) {
                found++;
                soft.assertThat(current).as("row label before %s in table %d", m.group(), table).isNotNull();
                if (current != null) {
                    soft.assertThat(grantValues(current)).as("%s (table %d) needs %s", current, table, m.group())
                            .contains(m.group().toLowerCase(Locale.ROOT));
                }
            }
            for (String policy : List.of("SWR Admin", "SFS Turbo FullAccess")) {
                if (cell.equals(policy) && current != null) {
                    found++;
                    soft.assertThat(grantValues(current)).as("%s needs %s", current, policy).contains(policy.toLowerCase(Locale.ROOT));
                }
            }
        }
        soft.assertThat(table + 1).as("tables in 004").isEqualTo(MODELARTS_TABLES.size());
        for (int t = 0; t < MODELARTS_TABLES.size(); t++) {
            soft.assertThat(labelsSeen.getOrDefault(t, Set.of())).as("row labels of table %d", t)
                    .containsExactlyInAnyOrderElementsOf(MODELARTS_TABLES.get(t).keySet());
        }
        soft.assertAll();
        assertThat(found).as("actions found in 004").isGreaterThan(300);
    }

    @Test
    void shouldQuoteTheSeedVerbatimWhenCitingIt() throws IOException {
        SoftAssertions soft = new SoftAssertions();
        List<Citation> citations = new ArrayList<>();
        for (CatalogArea area : catalog.areas()) {
            for (Scenario s : area.scenarios()) {
                citations.add(s.citation());
                s.requirements().forEach(r -> citations.add(r.citation()));
            }
            area.apis().forEach(a -> citations.add(a.citation()));
            area.errorCodes().forEach(a -> citations.add(a.citation()));
            area.hints().forEach(a -> citations.add(a.citation()));
            area.fallbacks().forEach(a -> citations.add(a.citation()));
            for (Erratum e : area.errata()) {
                soft.assertThat(seed(e.seed())).as("erratum quote in %s", e.seed()).contains(e.says());
                citations.add(new Citation(e.seed(), e.section()));
            }
        }
        Set<String> seedFiles;
        try (Stream<Path> s = Files.list(seeds())) {
            seedFiles = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
        int checked = 0;
        for (Citation c : citations) {
            if (!seedFiles.contains(c.seed())) {
                soft.assertThat(c.kind()).as("non-seed citation %s", c).isEqualTo(io.grantwatch.model.CitationKind.VENDOR_REFERENCE);
                soft.assertThat(c.url()).as("vendor page of %s", c).startsWith("https://");
                continue;
            }
            soft.assertThat(c.kind()).as("seed citation %s", c).isEqualTo(io.grantwatch.model.CitationKind.SEED);
            String text = seed(c.seed());
            for (String part : c.section().split(" > ")) {
                checked++;
                soft.assertThat(text).as("section part of %s", c).contains(part);
            }
        }
        soft.assertAll();
        assertThat(checked).isGreaterThan(400);
    }

    private int checkSections(SoftAssertions soft, String text, Map<String, String> sections) {
        List<String> headings = new ArrayList<>(sections.keySet());
        int found = 0;
        int from = 0;
        for (int i = 0; i < headings.size(); i++) {
            int start = lineStart(text, headings.get(i), from);
            assertThat(start).as("heading %s", headings.get(i)).isGreaterThanOrEqualTo(0);
            int end = i + 1 < headings.size() ? lineStart(text, headings.get(i + 1), start + 1) : text.length();
            String body = text.substring(start, end);
            Set<String> values = grantValues(sections.get(headings.get(i)));
            for (Pattern p : List.of(ALIYUN_POLICY, ALIBABA_ACTION)) {
                Matcher m = p.matcher(body);
                while (m.find()) {
                    found++;
                    soft.assertThat(values).as("%s (section %s) holds %s", sections.get(headings.get(i)), headings.get(i), m.group())
                            .contains(m.group().toLowerCase(Locale.ROOT));
                }
            }
            from = start + 1;
        }
        return found;
    }

    /** Start of the line that is exactly this heading (headings are whole lines in the seeds). */
    private static int lineStart(String text, String heading, int from) {
        Matcher m = Pattern.compile("(?m)^\\s*" + Pattern.quote(heading) + "\\s*$").matcher(text);
        return m.find(from) ? m.start() : -1;
    }

    /**
     * Grant values of a scenario and of the scenarios split from it (one per independent seed row, e.g.
     * {@code modelarts.data.table.dli}), lower-cased; a trust principal's statement is sts:AssumeRole (the
     * seed's trust policy prints that action), a DENIED_ACTION row adds the patterns it answers.
     */
    private Set<String> grantValues(String scenarioId) {
        Set<String> out = new HashSet<>();
        for (Scenario s : family(scenarioId)) {
            for (Requirement r : s.requirements()) {
                out.add(r.grant().value().toLowerCase(Locale.ROOT));
                r.covers().forEach(c -> out.add(c.toLowerCase(Locale.ROOT)));
                r.answers().forEach(c -> out.add(c.toLowerCase(Locale.ROOT)));
                if (r.grant().type() == GrantType.TRUST_PRINCIPAL) {
                    out.add("sts:assumerole");
                }
            }
        }
        return out;
    }

    /** The scenario and the scenarios split from it ({@code <id>.<row>}). */
    private List<Scenario> family(String id) {
        List<Scenario> out = catalog.scenarios().stream().filter(s -> s.id().equals(id) || s.id().startsWith(id + ".")).toList();
        assertThat(out).as("scenario %s", id).isNotEmpty();
        return out;
    }

    private Scenario scenario(String id) {
        return catalog.scenarios().stream().filter(s -> s.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no scenario " + id));
    }

    /** Applies the catalog's own errata that only split two glued tokens (the seed's typesetting, not its meaning). */
    private String applyGlueErrata(String text) {
        for (CatalogArea area : catalog.areas()) {
            for (Erratum e : area.errata()) {
                if (e.seed().equals(S004) && e.means().replace(" ", "").equals(e.says())) {
                    text = text.replace(e.says(), e.means());
                }
            }
        }
        return text;
    }

    private static Map<String, String> workflow(String prefix) {
        return linked("使用数据集", prefix + "dataset", "管理AI应用", prefix + "ai-app", "部署上线", prefix + "deploy",
                "训练作业", prefix + "training", "工作空间", prefix + "workspace", "管理数据", prefix + "data",
                "工作流运行", prefix + "run", "集成DLI", prefix + "dli", "集成MRS", prefix + "mrs");
    }

    private static Map<String, String> linked(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
