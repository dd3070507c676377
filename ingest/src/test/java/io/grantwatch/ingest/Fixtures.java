package io.grantwatch.ingest;

import io.grantwatch.model.AuditEvent;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads fixtures under src/test/resources/fixtures through the real {@link AuditFileReader}. */
public final class Fixtures {
    private Fixtures() {
    }

    public record Read(List<AuditEvent> events, List<RejectedRecord> rejected) {
        public AuditEvent only() {
            if (events.size() != 1) {
                throw new AssertionError("expected one event, got " + events.size() + "; rejected " + rejected);
            }
            return events.get(0);
        }

        public Map<String, AuditEvent> byId() {
            return events.stream().collect(Collectors.toMap(AuditEvent::eventId, Function.identity(), (a, b) -> a));
        }
    }

    public static Path path(String fixture) {
        URL url = Fixtures.class.getResource("/fixtures/" + fixture);
        if (url == null) {
            throw new IllegalArgumentException("no fixture " + fixture);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Read read(String fixture) {
        return read(path(fixture));
    }

    public static Read read(Path path) {
        List<AuditEvent> events = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        try {
            new AuditFileReader().read(List.of(path), events::add, rejected::add);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Read(events, rejected);
    }
}
