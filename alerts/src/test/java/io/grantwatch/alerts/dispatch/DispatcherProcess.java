package io.grantwatch.alerts.dispatch;

import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.SecretResolver;
import io.grantwatch.model.topic.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The alerts dispatcher as its own JVM, for the kill -9 test: {@code bootstrap prefix group alerts.yaml [kafka.key=value...]}.
 * Secrets come from the environment like in production.
 */
public final class DispatcherProcess {
    private DispatcherProcess() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> kafka = new HashMap<>();
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            kafka.put(kv[0], kv[1]);
        }
        Dispatcher d = AlertsService.start(args[0], Topics.withPrefix(args[1]), args[2], AlertsConfig.load(Path.of(args[3])),
                SecretResolver.system(), kafka, new DeliveryCounters());
        d.awaitStop();
    }
}
