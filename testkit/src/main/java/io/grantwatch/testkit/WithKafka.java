package io.grantwatch.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real Kafka cluster. Test methods (and constructors, lifecycle methods) may
 * declare parameters of type {@link KafkaBroker}, {@link io.grantwatch.model.topic.Topics} and
 * {@link KafkaTestScope}; each test method gets its own topic names, already created.
 *
 * <pre>{@code
 * @WithKafka
 * class DetectorIT {
 *     @Test
 *     void shouldFindMissingGrantWhenDenied(KafkaBroker kafka, KafkaTestScope scope) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(KafkaExtension.class)
public @interface WithKafka {
    /** Brokers in the shared cluster; a scale-out test asks for 3. */
    int brokers() default 1;

    /** Partitions of each GrantWatch topic created for a test. */
    int partitions() default KafkaBroker.DEFAULT_PARTITIONS;

    /** Create every topic of {@link io.grantwatch.model.topic.Topics} for each test. */
    boolean createTopics() default true;
}
