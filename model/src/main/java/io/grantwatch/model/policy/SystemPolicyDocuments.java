package io.grantwatch.model.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The documents of the system policies GrantWatch can cite ({@code system-policies.json} beside this class: each entry
 * names the vendor page it is copied from and the version that page shows). Any other system policy is known by name
 * only: its content is unknown, never guessed.
 */
public final class SystemPolicyDocuments {
    /** One cited document. */
    public record Entry(Cloud cloud, String name, String version, String source, JsonNode document) {
    }

    private static final Map<String, Entry> BY_NAME = load();

    private SystemPolicyDocuments() {
    }

    /** The cited document of a system policy, or empty when GrantWatch cannot cite one. */
    public static Optional<Entry> of(Cloud cloud, String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(BY_NAME.get(cloud.wire() + "/" + name));
    }

    public static Map<String, Entry> all() {
        return BY_NAME;
    }

    private static Map<String, Entry> load() {
        try (InputStream in = SystemPolicyDocuments.class.getResourceAsStream("system-policies.json")) {
            if (in == null) {
                throw new IllegalStateException("system-policies.json is missing from the model jar");
            }
            Map<String, Entry> out = new LinkedHashMap<>();
            for (JsonNode p : Json.strict().readTree(in).path("policies")) {
                Cloud cloud = Cloud.fromWire(p.path("cloud").asText());
                JsonNode doc = p.path("document");
                PolicyLanguage.detect(doc); // a document that is no policy fails the build's tests, not a finding
                out.put(cloud.wire() + "/" + p.path("name").asText(), new Entry(cloud, p.path("name").asText(),
                        p.path("version").asText(), p.path("source").asText(), doc));
            }
            return Map.copyOf(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read system-policies.json", e);
        }
    }
}
