package io.grantwatch.systemtests;

import io.grantwatch.alerts.channel.Alert;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.Secret;
import io.grantwatch.alerts.channel.SlackChannel;
import io.grantwatch.alerts.channel.WebhookChannel;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.model.Finding;
import io.grantwatch.model.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Reliability scenario 6: webhook faults: 503, 429 with Retry-After, stalls, resets, a receiver down for a whole phase and a
 * dispatcher halted mid-send; every alert must arrive at both channels, the Slack rate limit must hold.
 */
class Scenario06WebhookFaultsIT extends SystemTest {
    @Override
    Result run() throws Exception {
        Topics t = Topics.withPrefix("s6-");
        try (var admin = Clients.admin(env.bootstrap)) {
            io.grantwatch.app.runtime.TopicSetup.ensure(admin, t, 2, (short) 1, Duration.ofSeconds(60));
        }
        List<Finding> base = new ArrayList<>(oracle.finalState());
        int per = Math.min(base.size(), quick ? 12 : 60);
        List<Finding> phase1 = renamed(base.subList(0, per), "p1");
        List<Finding> phase2 = renamed(base.subList(0, per), "p2");
        List<Finding> phase3 = renamed(base.subList(0, per), "p3");
        int[] faults = {0};
        WebhookReceiver.Reply[] script = {WebhookReceiver.Reply.ok(), WebhookReceiver.Reply.status(503), WebhookReceiver.Reply.ok(),
            new WebhookReceiver.Reply(429, 1, 0, false), WebhookReceiver.Reply.ok(), new WebhookReceiver.Reply(200, -1, 1500, false),
            new WebhookReceiver.Reply(0, -1, 0, true), WebhookReceiver.Reply.status(500), WebhookReceiver.Reply.ok()};
        WebhookReceiver.Reply[] mode = {null};
        DeliveryCounters counters = new DeliveryCounters();
        int hookPort = Clients.freePort();
        WebhookReceiver hook = new WebhookReceiver(hookPort, i -> {
            if (mode[0] != null) {
                return mode[0];
            }
            WebhookReceiver.Reply r = script[i % script.length];
            if (r.status() != 200 || r.stallMillis() > 0) {
                faults[0]++;
            }
            return r;
        });
        WebhookReceiver slack = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
        List<Channel> channels = List.of(
                new WebhookChannel("hook", Secret.of("bench:hook", "http://127.0.0.1:" + hookPort + "/hook"), null, HTTP, Duration.ofMillis(800),
                        RateLimits.none(), 0),
                new SlackChannel("slack", Secret.of("bench:slack", slack.url()), HTTP, Duration.ofSeconds(5), RateLimits.of(1,
                        Duration.ofSeconds(1)), 0));
        Map<String, Integer> hookAll = new HashMap<>();
        long[] haltAt = {0};
        List<WebhookReceiver> hooks = new ArrayList<>();
        hooks.add(hook);
        try {
            produceFindings(t, phase1);
            Dispatcher d = dispatcher(t, "s6-alerts", channels, counters, FAST);
            awaitKeys(List.of(hook, slack), phase1, Duration.ofMinutes(2));
            // phase 2: the receiver is down (connection refused) for the whole phase, then comes back on the same port
            hook.close();
            produceFindings(t, phase2);
            Thread.sleep(quick ? 5_000 : 20_000); // paces the fault: the outage's length, not a wait for a condition
            hook = new WebhookReceiver(hookPort, i -> mode[0] != null ? mode[0] : WebhookReceiver.Reply.ok());
            hooks.add(hook);
            awaitKeys(List.of(hook, slack), phase2, Duration.ofSeconds(quick ? 90 : 180));
            // phase 3: the dispatcher halts mid-send (no commit, as a killed process would) and a new one takes over
            mode[0] = new WebhookReceiver.Reply(200, -1, 100, false);
            produceFindings(t, phase3);
            WebhookReceiver h3 = hook;
            // a few alerts in, so the halt falls mid-send; after a minute it halts anyway and the report counts the loss
            pollUntil(Duration.ofSeconds(60), Duration.ofMillis(20), () -> h3.accepted().size() >= 5);
            haltAt[0] = System.currentTimeMillis();
            d.halt();
            Dispatcher d2 = dispatcher(t, "s6-alerts", channels, counters, FAST);
            awaitKeys(List.of(hook, slack), phase3, Duration.ofSeconds(quick ? 90 : 180));
            d2.close();
        } finally {
            hook.close();
            slack.close();
        }
        List<Finding> all = new ArrayList<>(phase1);
        all.addAll(phase2);
        all.addAll(phase3);
        long lost = 0;
        long dups = 0;
        long[] lostPerPhase = new long[3];
        Map<String, Integer> hookCounts = new HashMap<>();
        for (WebhookReceiver h : hooks) {
            h.accepted().forEach((k, v) -> hookCounts.merge(k, v.size(), Integer::sum));
        }
        Map<String, Integer> slackCounts = new HashMap<>();
        slack.accepted().forEach((k, v) -> slackCounts.merge(k, v.size(), Integer::sum));
        for (Map<String, Integer> counts : List.of(hookCounts, slackCounts)) {
            for (int i = 0; i < all.size(); i++) {
                int got = counts.getOrDefault(Alert.keyOf(all.get(i)), 0);
                if (got == 0) {
                    lost++;
                    lostPerPhase[i / per]++;
                } else {
                    dups += got - 1;
                }
            }
        }
        hookAll.put("hook", hook.requests().size());
        int slackMax1s = slack.maxInWindow(1000);
        // where the closest pair of Slack messages sits relative to the halt: a fresh dispatcher starts a fresh limiter
        List<Long> st = slack.requests().stream().map(WebhookReceiver.Request::millis).sorted().toList();
        long minGap = Long.MAX_VALUE;
        long minGapAt = 0;
        for (int i = 1; i < st.size(); i++) {
            if (st.get(i) - st.get(i - 1) < minGap) {
                minGap = st.get(i) - st.get(i - 1);
                minGapAt = st.get(i);
            }
        }
        String gap = st.size() < 2 ? "" : String.format("; closest Slack messages %d ms apart, %+d ms from the halt", minGap, minGapAt - haltAt[0]);
        boolean pass = lost == 0 && slackMax1s <= 1;
        return new Result("6 webhook faults", pass ? "PASS" : "FAIL", lost, dups, 0, 0, String.format(
                "%d alerts × 2 channels; phase 1 webhook faults injected=%d (503, 429+Retry-After, 1.5 s stall > 0.8 s timeout, connection reset,"
                        + " 500); phase 2 receiver down (connection refused) %d s; phase 3 dispatcher halted mid-send (in process: grantwatch alert"
                        + " has no process to kill yet) and replaced; lost=%d (per phase " + Arrays.toString(lostPerPhase) + ") duplicates "
                                + "at receivers=%d (same idempotency key); Slack max in any 1 s"
                        + " = %d (limit 1)%s; retries=%d deferrals=%d",
                all.size(), faults[0], quick ? 5 : 20, lost, dups, slackMax1s, gap, counters.total("retried"), counters.get("pipeline",
                        "deferrals")));
    }


    private void produceFindings(Topics t, List<Finding> findings) throws Exception {
        try (KafkaProducer<String, Finding> p = new KafkaProducer<>(Clients.producerConfig(env.bootstrap), Topics.STRING.serializer(),
                t.findings().valueSerde().serializer())) {
            for (Finding f : findings) {
                p.send(new ProducerRecord<>(t.findings().name(), f.id(), f)).get();
            }
        }
    }

    private static List<Finding> renamed(List<Finding> fs, String tag) {
        List<Finding> out = new ArrayList<>();
        for (Finding f : fs) {
            out.add(new Finding(f.id() + "-" + tag, f.kind(), f.status(), f.cloud(), f.principal(), f.scenarioId(), f.scenarioTitle(), f.missing(),
                    f.confidence(), f.ranking(), f.evidence(), f.change(), f.catalogVersion(), f.resolvedAt(), f.timeToGrant(), f.updatedAt()));
        }
        return out;
    }

    /** Until every receiver has every finding's alert, or the timeout: the report counts what is missing. */
    private static void awaitKeys(List<WebhookReceiver> receivers, List<Finding> findings, Duration timeout) {
        pollUntil(timeout, Duration.ofMillis(200), () -> receivers.stream()
                .allMatch(r -> findings.stream().allMatch(f -> r.accepted().containsKey(Alert.keyOf(f)))));
    }
}
