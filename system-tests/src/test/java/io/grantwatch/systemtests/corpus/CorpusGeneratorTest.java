package io.grantwatch.systemtests.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.catalog.Catalog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CorpusGeneratorTest {
    private static Catalog catalog;
    private static CorpusGenerator.Corpus corpus;
    private static Oracle oracle;

    @BeforeAll
    static void generate() {
        catalog = CatalogLoader.loadBundled();
        corpus = CorpusGenerator.generate(CorpusGenerator.Options.of(11, 3000).withPrincipals(300), catalog);
        oracle = Oracle.of(corpus.records(), corpus.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
    }

    @Test
    void shouldGenerateTheSameBytesWhenTheSeedIsTheSame() {
        CorpusGenerator.Corpus again = CorpusGenerator.generate(CorpusGenerator.Options.of(11, 3000).withPrincipals(300), catalog);
        assertThat(again.records()).hasSameSizeAs(corpus.records());
        for (int i = 0; i < corpus.records().size(); i++) {
            assertThat(Arrays.equals(again.records().get(i).json(), corpus.records().get(i).json())).as("record %d", i).isTrue();
        }
    }

    @Test
    void shouldKeepRecordsBetweenOneAndThreeKilobytesInEventTimeOrder() {
        long previous = Long.MIN_VALUE;
        for (RawRecord r : corpus.records()) {
            assertThat(r.json().length).isBetween(1000, 3072);
            assertThat(r.timeMillis()).isGreaterThan(previous);
            previous = r.timeMillis();
        }
    }

    @Test
    void shouldPlantAboutThreePercentDenialsThatTheParserReadsAsDenials() {
        assertThat(oracle.rejected()).isZero();
        assertThat(oracle.parsed()).isEqualTo(corpus.records().size());
        double share = (double) oracle.detector().counters().denials() / oracle.parsed();
        assertThat(share).isBetween(0.025, 0.035);
    }

    @Test
    void shouldCoverEveryPlantedEpisodeWithAFindingNamingTheDeniedGrant() {
        assertThat(corpus.episodes()).isNotEmpty();
        assertThat(oracle.uncoveredEpisodes()).isEmpty();
        assertThat(corpus.episodes().stream().map(Episode::kind).distinct()).contains(Episode.Kind.SCENARIO, Episode.Kind.UNMAPPED);
    }

    @Test
    void shouldReportMissingAndDuplicateVersionsWhenATopicDiffersFromTheOracle() {
        List<Finding> emitted = oracle.emitted();
        assertThat(oracle.compare(emitted).matches()).isTrue();
        List<Finding> withDuplicate = new ArrayList<>(emitted);
        withDuplicate.add(emitted.get(0));
        assertThat(oracle.compare(withDuplicate).duplicates()).isEqualTo(1);
        List<Finding> withLoss = emitted.subList(1, emitted.size());
        assertThat(oracle.compare(withLoss).missing()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldPlantPolicyVersionAndTrustChangesThatTheOraclePredictsBreakagesFrom() {
        // few calls per principal, so that most changes land within the corpus (each waits CHANGE_GAP after its target)
        CorpusGenerator.Corpus spread = CorpusGenerator.generate(CorpusGenerator.Options.of(5, 12_000).withPrincipals(3000), catalog);
        Oracle drift = Oracle.of(spread.records(), spread.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
        assertThat(spread.stats().get("policyVersionChanges")).isPositive();
        assertThat(spread.stats().get("trustChanges")).isPositive();
        List<String> changes = drift.emitted().stream().filter(f -> f.kind() == FindingKind.PREDICTED_BREAKAGE && f.change() != null)
                .map(f -> f.change().action()).distinct().toList();
        // a new default version without the eas actions the user called; a DSW role's trust policy without pai.aliyuncs.com
        assertThat(changes).contains("CreatePolicyVersion", "UpdateRole");
    }
}
