package io.grantwatch.bench.jmh;

import io.grantwatch.catalog.CatalogLoader;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.catalog.Catalog;
import io.grantwatch.systemtests.corpus.CorpusGenerator;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.util.ArrayList;
import java.util.List;

/** The JMH benchmarks' input: a small corpus of the same generator (seed 7), raw and parsed. */
final class BenchCorpus {
    static final Catalog CATALOG = CatalogLoader.loadBundled();
    static final List<RawRecord> RAW;
    static final List<AuditEvent> EVENTS;
    static final List<AuditEvent> DENIALS;

    static {
        RAW = CorpusGenerator.generate(CorpusGenerator.Options.of(7, 5_000).withPrincipals(500), CATALOG).records();
        AuditParser p = new AuditParser();
        List<AuditEvent> events = new ArrayList<>();
        for (RawRecord r : RAW) {
            events.addAll(p.parse(r.json(), "jmh", Hints.NONE).events());
        }
        EVENTS = List.copyOf(events);
        DENIALS = events.stream().filter(AuditEvent::denied).toList();
    }

    private BenchCorpus() {
    }
}
