package io.grantwatch.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken copies of the shipped catalog: each must give a precise file:line: entry: field: message. */
class CatalogLintTest {
    @TempDir
    Path dir;

    @BeforeEach
    void copyShippedCatalog() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("src/main/resources/catalog"))) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
    }

    @Test
    void shouldBeCleanWhenUnchanged() {
        assertThat(CatalogLoader.lint(dir)).isEmpty();
    }

    @Test
    void shouldPassWithTheCatalogWhenTheShippedCatalogIsLinted() {
        CatalogLint lint = CatalogLint.of(null, CitationAudit.locateSeeds().orElse(null));
        assertThat(lint.passed()).as("%s %s", lint.problems(), lint.misCited()).isTrue();
        assertThat(lint.catalog()).hasValue(CatalogLoader.loadBundled());
    }

    @Test
    void shouldFailWithTheProblemsAndNoAuditWhenAFolderIsBroken() throws IOException {
        edit("pai.yaml", "holder: USER", "holder: NOBODY");
        CatalogLint lint = CatalogLint.of(dir, null);
        assertThat(lint.passed()).isFalse();
        assertThat(lint.problems()).singleElement().satisfies(p -> assertThat(p.toString()).contains("pai.yaml:")
                .contains("holder: invalid value \"NOBODY\""));
        assertThat(lint.catalog()).isEmpty();
        assertThat(lint.audit()).isEmpty();
    }

    @Test
    void shouldReportDuplicateRequirementIdWhenTwoEntriesShareIt() throws IOException {
        String text = edit("pai.yaml", "- id: pai.eas/policy:AliyunPAIEASReadOnlyAccess\n", "- id: pai.eas/policy:AliyunPAIEASFullAccess\n");
        int second = nthLine(text, "- id: pai.eas/policy:AliyunPAIEASFullAccess", 2);
        assertThat(lint()).containsExactly(
                "pai.yaml:" + second + ": requirement pai.eas/policy:AliyunPAIEASFullAccess: id: duplicate requirement id "
                        + "\"pai.eas/policy:AliyunPAIEASFullAccess\" (also in pai.yaml)",
                "pai.yaml:" + nthLine(text, "  - pai.eas/policy:AliyunPAIEASReadOnlyAccess", 1) + ": fallbacks[0] eas: requirements[1]: "
                        + "dangling reference: no requirement \"pai.eas/policy:AliyunPAIEASReadOnlyAccess\"");
    }

    @Test
    void shouldReportDuplicateScenarioIdAcrossFiles() throws IOException {
        String text = edit("pai-dsw-role.yaml", "- id: pai.dsw-role.access\n", "- id: pai.dsw\n");
        text = text.replace("id: pai.dsw-role.access/", "id: pai.dsw/access-");
        Files.writeString(dir.resolve("pai-dsw-role.yaml"), text, StandardCharsets.UTF_8);
        // files are read in name order: pai-dsw-role.yaml first, so pai.yaml holds the second pai.dsw
        String pai = Files.readString(dir.resolve("pai.yaml"), StandardCharsets.UTF_8);
        assertThat(lint()).containsExactly("pai.yaml:" + nthLine(pai, "- id: pai.dsw\n", 1)
                + ": scenario pai.dsw: id: duplicate scenario id \"pai.dsw\" (also in pai-dsw-role.yaml)");
    }

    @Test
    void shouldReportBadHuaweiActionSyntax() throws IOException {
        String text = edit("modelarts.yaml", "value: modelarts:notebook:create\n", "value: modelarts:notebookcreate\n");
        assertThat(lint()).containsExactly("modelarts.yaml:" + nthLine(text, "value: modelarts:notebookcreate", 1)
                + ": requirement modelarts.devenv.notebook/modelarts:notebook:create: grant.value: bad action syntax "
                + "\"modelarts:notebookcreate\" for huawei (expected service:resource:action)");
    }

    @Test
    void shouldReportBadAlibabaActionSyntaxInAnswersAndApis() throws IOException {
        String text = edit("pai.yaml", "    answers:\n    - eventbridge:*\n", "    answers:\n    - eventbridge:rule:*\n");
        text = edit("pai.yaml", "  actions:\n  - eas:CreateService\n", "  actions:\n  - eas CreateService\n");
        assertThat(lint()).containsExactly(
                "pai.yaml:" + nthLine(text, "    - eventbridge:rule:*", 1) + ": requirement pai.workspace.eventbridge/use:eventbridge: "
                        + "answers[0]: bad action syntax \"eventbridge:rule:*\" for alibaba (expected service:Action)",
                "pai.yaml:" + nthLine(text, "  - eas CreateService", 1) + ": apis[0] Eas/CreateService: actions[0]: "
                        + "bad action syntax \"eas CreateService\" for alibaba (expected service:Action)");
    }

    @Test
    void shouldReportDanglingReferenceInErrorCode() throws IOException {
        String text = edit("pai-dsw-role.yaml", "  requirements:\n  - pai.dsw-role.custom/passrole\n",
                "  requirements:\n  - pai.dsw-role.custom/pass-role\n");
        assertThat(lint()).containsExactly("pai-dsw-role.yaml:" + nthLine(text, "  - pai.dsw-role.custom/pass-role", 1)
                + ": errorCodes[0] PassRoleFailedError: requirements[0]: dangling reference: no requirement "
                + "\"pai.dsw-role.custom/pass-role\"");
    }

    @Test
    void shouldReportUnknownFieldWithLineAndEntry() throws IOException {
        String text = edit("pai.yaml", "    holder: SERVICE_LINKED_ROLE\n", "    holdr: SERVICE_LINKED_ROLE\n");
        assertThat(lint()).containsExactly("pai.yaml:" + nthLine(text, "holdr:", 1)
                + ": requirement pai.service-linked-role/service-linked-role: holdr: unknown field \"holdr\" "
                + "(expected one of: answers, citation, covers, coversCitation, grant, holder, id, nameSource, necessity, phase, purpose, "
                + "qualifiers, quote, scope, service)");
    }

    @Test
    void shouldReportDuplicateKeyInsteadOfKeepingTheLastValue() throws IOException {
        String text = edit("pai.yaml", "    holder: SERVICE_LINKED_ROLE\n", "    holder: SERVICE_LINKED_ROLE\n    holder: USER\n");
        List<String> problems = lint();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).isEqualTo("pai.yaml:" + nthLine(text, "    holder: USER", 1)
                + ": requirement pai.service-linked-role/service-linked-role: Duplicate field 'holder'");
    }

    @Test
    void shouldReportInvalidEnumValue() throws IOException {
        String text = edit("pai.yaml", "    phase: ACTIVATION\n", "    phase: LATER\n");
        assertThat(lint()).containsExactly("pai.yaml:" + nthLine(text, "phase: LATER", 1)
                + ": requirement pai.service-linked-role/service-linked-role: phase: invalid value \"LATER\" "
                + "(expected one of: ACTIVATION, USE)");
    }

    @Test
    void shouldReportEmptyGrantList() throws IOException {
        String text = Files.readString(dir.resolve("pai-dsw-role.yaml"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?s)(- id: pai\\.dsw-role\\.access\n.*?)  requirements:\n.*?(  signals:)").matcher(text);
        assertThat(m.find()).isTrue();
        text = text.substring(0, m.start()) + m.group(1) + "  requirements: []\n" + m.group(2) + text.substring(m.end());
        Files.writeString(dir.resolve("pai-dsw-role.yaml"), text, StandardCharsets.UTF_8);
        assertThat(lint()).containsExactly("pai-dsw-role.yaml:" + nthLine(text, "  requirements: []", 1)
                + ": scenario pai.dsw-role.access: requirements: empty grant list: a scenario needs at least one requirement");
    }

    @Test
    void shouldReportScenarioWithoutActivitySignals() throws IOException {
        String text = edit("pai-dsw-role.yaml", "  signals:\n  - oss:ListObjects\n  - odps:List\n  - paidlc:ListJobs\n", "  signals: []\n");
        assertThat(lint()).containsExactly("pai-dsw-role.yaml:" + nthLine(text, "  signals: []", 1)
                + ": scenario pai.dsw-role.access: signals: no activity signals: name the actions or Service/Api calls "
                + "that show a principal works in this scenario");
    }

    @Test
    void shouldReportMissingCitation() throws IOException {
        String text = edit("pai-dsw-role.yaml",
                "    citation:\n      seed: 003_cd0dd68eccf6a02e.txt\n      section: 'シナリオ 1: PAI のデフォルトロール'\n      kind: SEED\n    answers:\n    - "
                        + "oss:*\n"
                        + "  - id: pai.dsw-role.default/odps:owner",
                "    answers:\n    - oss:*\n  - id: pai.dsw-role.default/odps:owner");
        assertThat(lint()).containsExactly("pai-dsw-role.yaml:" + nthLine(text, "- id: pai.dsw-role.default/oss:default-bucket", 1)
                + ": requirement pai.dsw-role.default/oss:default-bucket: citation: missing citation (seed file and section)");
    }

    @Test
    void shouldReportYamlSyntaxErrorWithLine() throws IOException {
        String text = edit("modelarts-agency.yaml", "seed: 004_cae65db658487c65.txt\n", "seed: 004: x: y\n");
        List<String> problems = lint();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).startsWith("modelarts-agency.yaml:" + nthLine(text, "seed: 004: x: y", 1) + ": ")
                .contains(": area modelarts-agency: YAML syntax error: mapping values are not allowed here");
        assertThat(text).isNotEmpty();
    }

    @Test
    void shouldThrowWithEveryProblemWhenLoading() throws IOException {
        edit("modelarts.yaml", "value: modelarts:notebook:create\n", "value: modelarts:notebookcreate\n");
        edit("pai.yaml", "    holder: SERVICE_LINKED_ROLE\n", "    holdr: SERVICE_LINKED_ROLE\n");
        assertThatThrownBy(() -> CatalogLoader.load(dir)).isInstanceOf(CatalogException.class)
                .satisfies(e -> assertThat(((CatalogException) e).problems()).hasSize(2))
                .hasMessageContaining("2 catalog problem(s)");
    }

    private List<String> lint() {
        return CatalogLoader.lint(dir).stream().map(CatalogProblem::toString).toList();
    }

    /** Replaces the first occurrence and returns the new text. */
    private String edit(String file, String from, String to) throws IOException {
        Path p = dir.resolve(file);
        String text = Files.readString(p, StandardCharsets.UTF_8);
        int i = text.indexOf(from);
        assertThat(i).as("fixture text %s in %s", from, file).isGreaterThanOrEqualTo(0);
        text = text.substring(0, i) + to + text.substring(i + from.length());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return text;
    }

    /** 1-based line of the n-th (1-based) occurrence. */
    private static int nthLine(String text, String needle, int n) {
        int at = -1;
        for (int k = 0; k < n; k++) {
            at = text.indexOf(needle, at + 1);
            assertThat(at).as("occurrence %d of %s", k + 1, needle).isGreaterThanOrEqualTo(0);
        }
        int line = 1;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line + (needle.startsWith("\n") ? 1 : 0);
    }
}
