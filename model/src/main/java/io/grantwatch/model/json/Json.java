package io.grantwatch.model.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The two configured mappers. {@link #wire()} reads what other versions of GrantWatch wrote:
 * unknown fields are ignored; it writes invisible characters (bidi, zero-width, C1) as JSON escapes.
 * {@link #strict()} and {@link #strictYaml()} read data files that we ship (catalog, config): an
 * unknown or misspelt field is an error. All are thread-safe.
 */
public final class Json {
    private static final JsonMapper WIRE = JsonMapper.builder(escaping())
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .build();

    private static final JsonMapper STRICT = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private static final YAMLMapper STRICT_YAML = YAMLMapper.builder(new YAMLFactory())
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private Json() {
    }

    private static JsonFactory escaping() {
        JsonFactory factory = new JsonFactory();
        factory.setCharacterEscapes(new InvisibleCharacterEscapes());
        return factory;
    }

    /** For records on Kafka topics and HTTP: tolerant of unknown fields, ISO-8601 times. */
    public static JsonMapper wire() {
        return WIRE;
    }

    /** For JSON data files we ship: unknown fields fail. */
    public static JsonMapper strict() {
        return STRICT;
    }

    /** For YAML data files we ship (catalog, config): unknown fields fail. */
    public static YAMLMapper strictYaml() {
        return STRICT_YAML;
    }
}
