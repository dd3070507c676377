package io.grantwatch.detector;

import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Realistic audit trails kept as the clouds deliver them ({@code src/test/resources/fixtures/<cloud>/<case>.json}:
 * ActionTrail events, CTS traces), read by ingest's own parser, so a test sees the events the detector sees in
 * production, not hand-built ones.
 */
public final class Trails {
    private Trails() {
    }

    /** The events of one fixture, in file order (each file is in event-time order). */
    public static List<AuditEvent> load(String fixture) {
        try (InputStream in = Trails.class.getResourceAsStream("/fixtures/" + fixture)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + fixture);
            }
            AuditParser.Result r = new AuditParser().parse(in.readAllBytes(), fixture, Hints.NONE);
            if (!r.rejected().isEmpty()) {
                throw new IllegalStateException(fixture + ": rejected " + r.rejected());
            }
            return r.events();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
