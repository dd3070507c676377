package io.grantwatch.testkit;

import io.grantwatch.model.topic.TopicSpec;
import io.grantwatch.model.topic.Topics;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves {@link KafkaBroker}, {@link Topics} and {@link KafkaTestScope} parameters. The broker is
 * the JVM-wide shared one ({@link KafkaBrokers#shared(int)}); topics are unique per test method and
 * created on first resolution. Register it with {@link WithKafka}.
 */
public final class KafkaExtension implements ParameterResolver {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaBroker.class || type == Topics.class || type == KafkaTestScope.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        WithKafka settings = settings(context);
        KafkaBroker broker = KafkaBrokers.shared(settings.brokers());
        Class<?> type = parameter.getParameter().getType();
        if (type == KafkaBroker.class) {
            return broker;
        }
        KafkaTestScope scope = context.getStore(NAMESPACE)
                .getOrComputeIfAbsent("scope", key -> newScope(context, broker, settings), KafkaTestScope.class);
        if (type == Topics.class) {
            return scope.topics();
        }
        if (type == KafkaTestScope.class) {
            return scope;
        }
        throw new ParameterResolutionException("Unsupported parameter " + parameter.getParameter());
    }

    private static KafkaTestScope newScope(ExtensionContext context, KafkaBroker broker, WithKafka settings) {
        String name = context.getTestMethod().map(Method::getName)
                .orElseGet(() -> context.getRequiredTestClass().getSimpleName());
        // Topic names allow [a-zA-Z0-9._-] up to 249 characters; keep them short and legal.
        String safe = name.replaceAll("[^a-zA-Z0-9._-]", "_");
        if (safe.length() > 60) {
            safe = safe.substring(0, 60);
        }
        KafkaTestScope scope = KafkaTestScope.of("t" + COUNTER.incrementAndGet() + "-" + safe + "-");
        if (settings.createTopics()) {
            Topics topics = scope.topics();
            // The catalog has one partition, as in production: its manifest is the last record readers see.
            broker.createTopics(1, topics.catalog());
            broker.createTopics(settings.partitions(), topics.all().stream()
                    .filter(spec -> !spec.name().equals(topics.catalog().name()))
                    .toArray(TopicSpec<?, ?>[]::new));
        }
        return scope;
    }

    private static WithKafka settings(ExtensionContext context) {
        Optional<WithKafka> found = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithKafka.class);
        return found.orElseGet(() -> Defaults.class.getAnnotation(WithKafka.class));
    }

    /** Carries the annotation defaults for tests registering the extension with {@code @ExtendWith}. */
    @WithKafka
    private static final class Defaults {
    }
}
