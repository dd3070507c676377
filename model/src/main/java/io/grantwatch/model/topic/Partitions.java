package io.grantwatch.model.topic;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** Where Kafka's default partitioner puts a key: kept here so that the model's domain types need no Kafka import. */
public final class Partitions {

    private Partitions() {
    }

    /** The partition, of {@code partitions}, that Kafka's default partitioner gives a record keyed {@code key} (UTF-8). */
    public static int of(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
