package io.grantwatch.model.json;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON serde for one record type on the wire mapper. Bad bytes throw Kafka's
 * {@link SerializationException} so that Streams' handlers and the dead-letter topic take over.
 * A null payload is a tombstone and maps to null both ways.
 */
public final class JsonSerde<T> implements Serde<T> {
    private final ObjectMapper mapper;
    private final JavaType type;

    private JsonSerde(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    public static <T> JsonSerde<T> of(Class<T> type) {
        return new JsonSerde<>(Json.wire(), Json.wire().constructType(type));
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> {
            if (value == null) {
                return null;
            }
            try {
                return mapper.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("Cannot write " + type.getRawClass().getSimpleName() + " for topic " + topic, e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return mapper.readValue(bytes, type);
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("Not a valid " + type.getRawClass().getSimpleName()
                        + " on topic " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}
