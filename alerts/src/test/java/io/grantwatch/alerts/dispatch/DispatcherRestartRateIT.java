package io.grantwatch.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.grantwatch.alerts.Deliveries;
import io.grantwatch.alerts.Receiver;
import io.grantwatch.alerts.Receiver.Response;
import io.grantwatch.alerts.TestFindings;
import io.grantwatch.alerts.channel.Alert;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.Pacer;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.alerts.channel.TestChannels;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.model.Finding;
import io.grantwatch.testkit.KafkaBroker;
import io.grantwatch.testkit.KafkaTestScope;
import io.grantwatch.testkit.WithKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits across dispatcher restarts, on the real broker with real loopback receivers: each
 * dispatcher is replaced (halted mid-send as a crash would, or stopped) while its channels' windows
 * are still full, and the next one starts at once with new senders, as a new process would.
 */
@WithKafka
class DispatcherRestartRateIT {
    private static final Logger LOG = LoggerFactory.getLogger(DispatcherRestartRateIT.class);
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(300), 5, Duration.ofSeconds(3));
    /** Long enough that a replacement dispatcher is running before the window has passed. */
    private static final RateLimits THREE_PER_6S = RateLimits.of(3, Duration.ofSeconds(6));
    private final List<Receiver> receivers = new ArrayList<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();

    @AfterEach
    void stop() {
        dispatchers.forEach(Dispatcher::close);
        receivers.forEach(Receiver::close);
    }

    private Receiver receiver(Function<Receiver.Request, Response> b) throws Exception {
        Receiver r = new Receiver(b);
        receivers.add(r);
        return r;
    }

    private Dispatcher start(KafkaBroker kafka, KafkaTestScope scope, List<Channel> channels, DeliveryCounters counters) {
        // a halted member leaves no goodbye: the broker's minimum session timeout hands its partitions on sooner
        Dispatcher.Settings s = new Dispatcher.Settings(kafka.bootstrapServers(), scope.name("alerts"), scope.topics(), null, null, FAST,
                Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1000));
        List<ChannelSender> senders = channels.stream().map(c -> new ChannelSender(c, FAST, counters, Pacer.SYSTEM, 50)).toList();
        Dispatcher d = new Dispatcher(s, ledger -> new AlertPipeline(new RemediationPlanner(),
                new Router(List.of(), channels.stream().map(Channel::name).toList()), MuteRules.none(), senders, counters, Instant::now,
                ledger)).start();
        dispatchers.add(d);
        return d;
    }

    private static void produce(KafkaBroker kafka, KafkaTestScope scope, List<Finding> findings) throws Exception {
        try (KafkaProducer<String, Finding> p = kafka.producer(scope.topics().findings())) {
            for (Finding f : findings) {
                p.send(new ProducerRecord<>(scope.topics().findings().name(), f.id(), f));
            }
            p.flush();
        }
    }

    @Test
    void shouldNeverExceedChannelLimitsWhenDispatcherIsReplacedWhileWindowsAreFull(KafkaBroker kafka, KafkaTestScope scope)
            throws Exception {
        kafka.createTopics(1, scope.topics().findings(), scope.topics().remediations());
        Receiver slack = receiver(r -> Response.ok("ok"));
        AtomicInteger hookArrivals = new AtomicInteger();
        // slow answers, so that a halt finds a request in flight
        Receiver hook = receiver(r -> {
            hookArrivals.incrementAndGet();
            return Response.stall(300);
        });
        List<Channel> channels = List.of(TestChannels.slack(slack.url(""), RateLimits.of(1, Duration.ofSeconds(1))),
                TestChannels.webhook(hook.url(""), THREE_PER_6S));
        List<Finding> findings = TestFindings.many(12);
        DeliveryCounters counters = new DeliveryCounters();
        int replacements = 0;
        int next = 0;
        for (int round = 0; round < 4; round++) {
            Dispatcher d = start(kafka, scope, channels, counters);
            // one finding at a time, each delivered before the next: the webhook's window fills (3 requests) and Slack's too
            for (int k = 0; k < 3; k++) {
                int arrivedBefore = hookArrivals.get();
                int slackBefore = slack.requests().size();
                produce(kafka, scope, List.of(findings.get(next++)));
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> hookArrivals.get() > arrivedBefore && slack.requests().size() > slackBefore);
            }
            // replaced while the last webhook request is still in flight
            if (round % 2 == 0) {
                d.halt();
            } else {
                d.close();
            }
            replacements++;
        }
        Dispatcher last = start(kafka, scope, channels, counters);
        Set<String> expected = findings.stream().map(Alert::keyOf).collect(Collectors.toSet());
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> Deliveries.acceptedCounts(slack).keySet().containsAll(expected)
                && Deliveries.acceptedCounts(hook).keySet().containsAll(expected));
        last.close();

        int slackMax = Deliveries.maxInWindow(slack, 1000);
        int hookMax = Deliveries.maxInWindow(hook, 6000);
        LOG.info("FIGURES rate limits across restarts: findings={} dispatchers={} (halted and stopped in turn) | slack requests={} max/1s={} "
                        + "(limit 1) | webhook requests={} max/6s={} (limit 3) | lost: slack={} webhook={} | duplicates: slack={} webhook={} "
                        + "digests={}",
                findings.size(), replacements + 1, slack.requests().size(), slackMax, hook.requests().size(), hookMax,
                Deliveries.lost(Deliveries.acceptedCounts(slack), expected), Deliveries.lost(Deliveries.acceptedCounts(hook), expected),
                Deliveries.duplicates(Deliveries.acceptedCounts(slack)), Deliveries.duplicates(Deliveries.acceptedCounts(hook)),
                counters.total("digests"));
        assertThat(slackMax).isLessThanOrEqualTo(1);
        assertThat(hookMax).isLessThanOrEqualTo(3);
    }
}
