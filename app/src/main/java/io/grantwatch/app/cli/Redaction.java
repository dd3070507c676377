package io.grantwatch.app.cli;

import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.GrantWatchConfig;
import java.util.Map;
import java.util.TreeMap;

/** Text of a configuration that is safe to print: secret-looking Kafka settings are masked. */
final class Redaction {
    private Redaction() {
    }

    static String describe(GrantWatchConfig config) {
        Map<String, String> client = new TreeMap<>();
        config.kafka().client().forEach((k, v) -> client.put(k, ConfigKeys.isSecret(k) ? "******" : v));
        GrantWatchConfig.Kafka kafka = new GrantWatchConfig.Kafka(config.kafka().bootstrapServers(), client);
        GrantWatchConfig shown = new GrantWatchConfig(config.dataDir(), kafka, config.embedded(), config.topics(),
                config.http(), config.detector(), config.ingest(),
                config.alerts(),
                config.report(), config.catalog(), config.logLevel());
        return shown.toString().replace(", ", ",\n  ");
    }
}
