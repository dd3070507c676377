package io.grantwatch.model.topic;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * A topic travels with its key and value serdes and the settings it must be created with.
 *
 * @param name      topic name (prefixed per deployment by {@link Topics#withPrefix})
 * @param keySerde  key serde
 * @param valueSerde value serde
 * @param configs   topic-level configs, e.g. {@code cleanup.policy=compact}
 */
public record TopicSpec<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Map<String, String> configs) {
    public TopicSpec {
        configs = configs == null ? Map.of() : Map.copyOf(configs);
    }

    public TopicSpec<K, V> renamed(String newName) {
        return new TopicSpec<>(newName, keySerde, valueSerde, configs);
    }

    public boolean compacted() {
        return "compact".equals(configs.get("cleanup.policy"));
    }
}
