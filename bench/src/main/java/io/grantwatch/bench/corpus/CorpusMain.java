package io.grantwatch.bench.corpus;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.Oracle;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/** Prints a corpus's figures and its oracle's: {@code CorpusMain [events] [seed]}. A development aid. */
public final class CorpusMain {
    private CorpusMain() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        Catalog catalog = CatalogLoader.loadBundled();
        long t0 = System.nanoTime();
        CorpusGenerator.Corpus c = CorpusGenerator.generate(CorpusGenerator.Options.of(seed, n), catalog);
        long t1 = System.nanoTime();
        Oracle o = Oracle.of(c.records(), c.episodes(), CatalogLookup.of(catalog), DetectorSettings.defaults());
        long t2 = System.nanoTime();
        out.println("corpus " + c.stats() + " bytes=" + c.bytes() + " genMs=" + (t1 - t0) / 1_000_000 + " oracleMs=" + (t2 - t1) / 1_000_000);
        Map<FindingKind, Integer> kinds = new TreeMap<>();
        for (Finding f : o.finalState()) {
            kinds.merge(f.kind(), 1, Integer::sum);
        }
        out.println("oracle parsed=" + o.parsed() + " rejected=" + o.rejected() + " emitted=" + o.emitted().size() + " findings="
                + o.finalState().size() + " kinds=" + kinds + " counters=" + o.detector().counters().snapshot());
        out.println("episodes=" + c.episodes().size() + " uncovered=" + o.uncoveredEpisodes().size());
        o.uncoveredEpisodes().stream().limit(20).forEach(out::println);
    }
}
