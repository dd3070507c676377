package io.grantwatch.model.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.io.UncheckedIOException;

/** Test helper: JSON text to a tree, with single quotes for readability. */
final class Policies {
    private Policies() {
    }

    /** Parses {@code json} after turning every {@code '} into {@code "}. */
    static JsonNode json(String json) {
        try {
            return Json.wire().readTree(json.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
