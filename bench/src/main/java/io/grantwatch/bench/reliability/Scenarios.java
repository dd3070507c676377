package io.grantwatch.bench.reliability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.channel.Alert;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.ChannelSender;
import io.grantwatch.alerts.channel.Clock;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.DingTalkChannel;
import io.grantwatch.alerts.channel.FeishuChannel;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.RetryPolicy;
import io.grantwatch.alerts.channel.Secret;
import io.grantwatch.alerts.channel.SlackChannel;
import io.grantwatch.alerts.channel.WebhookChannel;
import io.grantwatch.alerts.dispatch.AlertPipeline;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.alerts.dispatch.MuteRules;
import io.grantwatch.alerts.dispatch.Router;
import io.grantwatch.alerts.remediation.RemediationPlanner;
import io.grantwatch.alerts.report.DriftReport;
import io.grantwatch.alerts.report.ReportBuilder;
import io.grantwatch.alerts.report.ReportRenderer;
import io.grantwatch.bench.corpus.CorpusGenerator;
import io.grantwatch.bench.corpus.Oracle;
import io.grantwatch.bench.corpus.RawRecord;
import io.grantwatch.bench.e2e.BenchKafka;
import io.grantwatch.bench.e2e.WebhookReceiver;
import io.grantwatch.catalog.CatalogPublisher;
import io.grantwatch.detector.CatalogLookup;
import io.grantwatch.detector.DetectorCounters;
import io.grantwatch.detector.DetectorSettings;
import io.grantwatch.detector.PrincipalState;
import io.grantwatch.detector.streams.DetectorRunner;
import io.grantwatch.detector.streams.DetectorTopology;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.kafka.KafkaAuditSink;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Finding;
import io.grantwatch.model.FindingKind;
import io.grantwatch.model.FindingStatus;
import io.grantwatch.model.catalog.CatalogEntry;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.LoggerFactory;

/** The scenarios of the reliability suite; see {@link ReliabilityMain}. */
final class Scenarios {
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(400), 5, Duration.ofSeconds(3));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Env env;
    private final CorpusGenerator.Corpus corpus;
    private final Oracle oracle;
    private final boolean quick;
    private final PrintStream out;
    private final Callable<Proc> brokerStarter;
    Proc broker;

    // scenario 1 hands its detector to scenario 9
    private String s1Prefix;
    private String s1App;
    private Path s1State;
    private Proc s1Detector;
    private int s1Split;

    Scenarios(Env env, CorpusGenerator.Corpus corpus, Oracle oracle, boolean quick, PrintStream out, Callable<Proc> brokerStarter) {
        this.env = env;
        this.corpus = corpus;
        this.oracle = oracle;
        this.quick = quick;
        this.out = out;
        this.brokerStarter = brokerStarter;
    }

    private Oracle oracleOf(List<RawRecord> records) {
        return Oracle.of(records, List.of(), CatalogLookup.of(env.catalog), DetectorSettings.defaults());
    }

    // =================================================================== 3. poison pills

    Result poisonPills() throws Exception {
        Topics t = env.topics("s3-");
        List<AuditEvent> good = Env.parse(corpus.records());
        int reps = quick ? 2 : 20;
        // (i) raw input ingest cannot read → audit-dlq, through ingest's parser and producer
        List<byte[]> rawBad = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            rawBad.add(utf8("{\"eventId\": \"broken-" + r + "\", \"eventName\": "));
            rawBad.add(utf8("this is not json " + r));
            rawBad.add(new byte[] {'{', '"', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
            rawBad.add(utf8("[" + "[".repeat(300) + "]".repeat(300) + "]"));
        }
        AuditParser parser = new AuditParser();
        long rawRejected = 0;
        long rawAccepted = 0;
        try (KafkaAuditSink sink = KafkaAuditSink.create(Map.of("bootstrap.servers", env.bootstrap), t)) {
            for (int i = 0; i < rawBad.size(); i++) {
                AuditParser.Result res = parser.parse(rawBad.get(i), "poison#" + i, Hints.NONE);
                for (RejectedRecord x : res.rejected()) {
                    sink.deadLetter("poison#" + i, x).join();
                    rawRejected++;
                }
                rawAccepted += res.events().size();
            }
            sink.flush();
        }
        // (ii) records on audit-events the detector cannot read → detector-dlq
        List<byte[]> eventBad = new ArrayList<>();
        for (int r = 0; r < reps; r++) {
            eventBad.add(utf8("{\"cloud\":\"alibaba\",\"eventId\":\"trunc-" + r + "\",\"eventTime\":"));
            eventBad.add(utf8("{\"cloud\":\"alibaba\",\"eventId\":\"t-" + r + "\",\"eventTime\":\"yesterday\",\"principal\":{\"type\":\"USER\"},"
                    + "\"outcome\":\"DENIED\"}"));
            eventBad.add(utf8("{\"cloud\":\"alibaba\"}"));
            eventBad.add(utf8("{\"cloud\":\"aws\",\"eventId\":\"e-" + r
                    + "\",\"eventTime\":\"2026-11-01T00:00:00Z\",\"principal\":{\"type\":\"USER\"},"
                    + "\"outcome\":\"DENIED\"}"));
            eventBad.add(new byte[] {'{', '"', 'c', 'l', 'o', 'u', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            eventBad.add(utf8("{\"a\":" + "[".repeat(2000) + "]".repeat(2000) + "}"));
            eventBad.add(utf8("{\"cloud\":\"huawei\",\"eventId\":\"big-" + r + "\",\"errorMessage\":\"" + "x".repeat(900_000)));
        }
        Path state = env.dir("s3-state");
        List<ConsumerRecord<byte[], byte[]>> dlq;
        List<ConsumerRecord<byte[], byte[]>> auditDlq;
        boolean running;
        Oracle.Comparison cmp;
        try (DetectorRunner runner = env.detector(t, "s3-detector", state)) {
            runner.start();
            int chunk = good.size() / (eventBad.size() + 1);
            Map<String, Object> pc = BenchKafka.producerConfig(env.bootstrap);
            pc.put("max.request.size", 2_000_000);
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i <= eventBad.size(); i++) {
                    env.produce(t, good.subList(i * chunk, i == eventBad.size() ? good.size() : (i + 1) * chunk));
                    if (i < eventBad.size()) {
                        raw.send(new ProducerRecord<>(t.auditEvents().name(), utf8("poison-" + i), eventBad.get(i))).get();
                    }
                }
            }
            cmp = env.settle(t, oracle, 180_000);
            out.println("  s3 lag " + env.lag("s3-detector", t.auditEvents().name()) + "; partitions with LSO < HW: " + env.openTransactions("s3-"));
            long waitDlq = System.currentTimeMillis() + 30_000;
            do {
                dlq = BenchKafka.readAll(env.bootstrap, t.detectorDlq().name());
                Thread.sleep(500);
            } while (dlq.size() < eventBad.size() && System.currentTimeMillis() < waitDlq);
            running = runner.running();
            out.println("  s3 detector counters " + runner.counters().snapshot() + " state " + runner.state());
        }
        auditDlq = BenchKafka.readAll(env.bootstrap, t.auditDlq().name());
        boolean pass = auditDlq.size() == rawBad.size() && rawRejected == rawBad.size() && rawAccepted == 0 && dlq.size() == eventBad.size()
                && running && cmp.matches();
        return new Result("3 poison pills", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "good=%d; raw bad K1=%d → ingest rejected %d (accepted %d) → audit-dlq %d; audit-events bad K2=%d (truncated, wrong types, missing"
                        + " fields, unknown enum, bad UTF-8, 2000-deep nesting, 900 KB) → detector-dlq %d; detector RUNNING=%s; findings vs oracle: "
                                + "%s",
                good.size(), rawBad.size(), rawRejected, rawAccepted, auditDlq.size(), eventBad.size(), dlq.size(), running, cmp));
    }

    // =================================================================== 7. redaction

    Result redaction() throws Exception {
        Topics t = env.topics("s7-");
        int n = Math.min(corpus.records().size(), quick ? 1500 : 6000);
        Set<String> secrets = new LinkedHashSet<>();
        String sk = "Zq8mPLANTEDsecretKx7Vb2Nw4Rt6Yu9Io";
        String pw = "Hunter2-PLANTED-pw-7f3kQ";
        String sts = "CAISPLANTEDstsToken" + "Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3".repeat(2);
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQTEFOVEVEIn0.PLANTEDsig0123456789abcdef";
        String sig = "PLANTEDsignatureQ2xvdWQ9YWxpeXVu";
        String adminPass = "AdminPLANTED!9pass";
        String subjectToken = "MIIPLANTEDsubjectTokenZXlKaGJHY2lPaUpTVXpJMU5pSjk" + "x".repeat(80);
        String signingKey = "whsec_UExBTlRFRC13ZWJob29rLXNpZ25pbmcta2V5LTAxMjM=";
        String slackUrlToken = "T00PLANTED/B00PLANTED/XXXXPLANTEDslackUrlSecret";
        secrets.addAll(List.of(sk, pw, sts, jwt, sig, adminPass, subjectToken, signingKey, slackUrlToken));
        List<RawRecord> planted = new ArrayList<>();
        for (RawRecord r : corpus.records().subList(0, n)) {
            ObjectNode node = (ObjectNode) Json.wire().readTree(r.json());
            if (node.has("eventId")) {
                ObjectNode id = (ObjectNode) node.path("userIdentity");
                secrets.add(id.path("accessKeyId").asText());
                ObjectNode rp = (ObjectNode) node.path("requestParameters");
                rp.put("AccessKeySecret", sk);
                rp.put("Password", pw);
                rp.put("SecurityToken", sts);
                node.put("requestParameterJson", Json.wire().writeValueAsString(rp));
                node.put("userAgent", node.path("userAgent").asText() + " Authorization: Bearer " + jwt);
                if (!node.path("errorCode").asText().isEmpty()) {
                    node.put("errorMessage", node.path("errorMessage").asText() + " (request Signature=" + sig + ", password: " + pw + ")");
                }
                ((ObjectNode) node.path("additionalEventData")).put("x-acs-security-token", sts);
            } else {
                ObjectNode u = (ObjectNode) node.path("user");
                secrets.add(u.path("access_key_id").asText());
                node.put("request", "{\"server\": {\"adminPass\": \"" + adminPass + "\", \"password\": \"" + pw + "\"}}");
                String resp = node.path("response").asText();
                node.put("response", resp.length() > 1 && resp.endsWith("}")
                        ? resp.substring(0, resp.length() - 1) + (resp.length() > 2 ? ", " : "") + "\"X-Subject-Token\": \"" + subjectToken + "\"}"
                        : "{\"X-Subject-Token\": \"" + subjectToken + "\"}");
            }
            planted.add(new RawRecord(r.seq(), r.cloud(), r.key(), r.eventId(), r.timeMillis(), Json.wire().writeValueAsBytes(node)));
        }
        secrets.removeIf(String::isBlank);
        // Poison with secrets: unreadable raw input and unreadable audit-events records.
        List<byte[]> rawPoison = List.of(utf8("{\"eventId\":\"p1\",\"userIdentity\":{\"accessKeyId\":\"LTAI5tPLANTEDpoisonKey01\"},"
                + "\"requestParameters\":{\"Password\":\"" + pw + "\",\"SecurityToken\":\"" + sts + "\""));
        List<byte[]> eventPoison = List.of(utf8("{\"cloud\":\"alibaba\",\"eventId\":\"p2\",\"password\":\"" + pw + "\",\"token\":\"" + sts
                + "\",\"accessKeyId\":\"LTAI5tPLANTEDpoisonKey02\",\"eventTime\":"));
        secrets.add("LTAI5tPLANTEDpoisonKey01");
        secrets.add("LTAI5tPLANTEDpoisonKey02");

        LogCapture logs = LogCapture.start();
        Path state = env.dir("s7-state");
        List<String> sinks = new ArrayList<>();
        Map<String, String> texts = new LinkedHashMap<>();
        try (WebhookReceiver hook = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver slack = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             Proc detector = env.detectProcess("s7-detect", "s7-", "s7-detector", state)) {
            AuditParser parser = new AuditParser();
            try (KafkaAuditSink sink = KafkaAuditSink.create(Map.of("bootstrap.servers", env.bootstrap), t)) {
                for (RawRecord r : planted) {
                    AuditParser.Result res = parser.parse(r.json(), "s7#" + r.seq(), Hints.NONE);
                    res.events().forEach(e -> sink.send("s7", e));
                    res.rejected().forEach(x -> sink.deadLetter("s7", x));
                }
                for (byte[] p : rawPoison) {
                    parser.parse(p, "s7-poison", Hints.NONE).rejected().forEach(x -> sink.deadLetter("s7-poison", x).join());
                }
                sink.flush();
            }
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(BenchKafka.producerConfig(env.bootstrap), new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (byte[] p : eventPoison) {
                    raw.send(new ProducerRecord<>(t.auditEvents().name(), utf8("poison"), p)).get();
                }
            }
            Oracle o = oracleOf(planted);
            Oracle.Comparison cmp = env.settle(t, o, 180_000);
            DeliveryCounters counters = new DeliveryCounters();
            List<Channel> channels = List.of(
                    new WebhookChannel("hook", Secret.of("bench:hook", hook.url()), Secret.of("bench:key", signingKey), HTTP,
                            Duration.ofSeconds(5), RateLimits.none(), 0),
                    new SlackChannel("slack", Secret.of("bench:slack", slack.url() + "/services/" + slackUrlToken), HTTP, Duration.ofSeconds(5),
                            RateLimits.none(), 0));
            Dispatcher d = dispatcher(t, "s7-alerts", channels, counters, FAST);
            long expected = cmp.observed();
            long until = System.currentTimeMillis() + 120_000;
            while (d.committedRecords() < expected && System.currentTimeMillis() < until) {
                Thread.sleep(200);
            }
            d.close();
            for (String topic : List.of(t.findings().name(), t.unmappedDenials().name(), t.remediations().name(), t.auditDlq().name(),
                    t.detectorDlq().name(), "s7-alerts-parked")) {
                StringBuilder sb = new StringBuilder();
                try {
                    for (ConsumerRecord<byte[], byte[]> r : BenchKafka.readAll(env.bootstrap, topic)) {
                        sb.append(str(r.key())).append('\n').append(str(r.value())).append('\n');
                        for (Header h : r.headers()) {
                            sb.append(h.key()).append('=').append(str(h.value())).append('\n');
                        }
                    }
                } catch (RuntimeException e) {
                    sb.append("");
                }
                texts.put("topic " + topic, sb.toString());
            }
            texts.put("webhook payloads", String.join("\n", hook.requests().stream().map(WebhookReceiver.Request::body).toList()));
            texts.put("slack payloads", String.join("\n", slack.requests().stream().map(WebhookReceiver.Request::body).toList()));
            detector.term();
            texts.put("detector process log", Files.readString(detector.log(), StandardCharsets.ISO_8859_1));
            texts.put("suite JVM log (ingest, alerts)", logs.text());
            out.printf("  s7 findings=%d, webhook requests=%d, slack requests=%d, audit-dlq+detector-dlq bytes=%d%n", cmp.observed(),
                    hook.requests().size(), slack.requests().size(),
                    texts.get("topic " + t.auditDlq().name()).length() + texts.get("topic " + t.detectorDlq().name()).length());
        } finally {
            logs.stop();
        }
        long leaked = 0;
        boolean exercised = !texts.getOrDefault("webhook payloads", "").isEmpty() && !texts.getOrDefault("topic s7-findings", "").isEmpty();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            for (String s : secrets) {
                String tail = s.length() > 12 ? s.substring(s.length() - 10) : s;
                if (e.getValue().contains(s) || (s.length() > 12 && e.getValue().contains(tail))) {
                    leaked++;
                    if (sinks.size() < 12) {
                        sinks.add(e.getKey() + " ← " + s.substring(0, Math.min(12, s.length())) + "…");
                    }
                }
            }
        }
        return new Result("7 redaction", leaked == 0 && exercised ? "PASS" : "FAIL", 0, 0, leaked, 0, String.format(
                (exercised ? "" : "NOT EXERCISED (no findings or no alerts reached the sinks); ")
                        + "%d distinct planted secrets (AK ids of every principal, AccessKeySecret, Password, STS SecurityToken in params, params "
                        + "JSON,"
                        + " additionalEventData; Bearer JWT in userAgent; Signature/password in errorMessage; CTS adminPass/password in request,"
                        + " X-Subject-Token in response; secrets inside unreadable raw input and unreadable audit-events records) searched in"
                        + " %d sinks (findings, unmapped-denials, remediations, audit-dlq, detector-dlq incl. headers, parked alerts, webhook"
                        + " and Slack payloads, detector JVM log, suite JVM log): leaked (secret, sink) pairs=%d%s",
                secrets.size(), texts.size(), leaked, sinks.isEmpty() ? "" : " e.g. " + sinks));
    }

    // =================================================================== 8. injection

    Result injection() throws Exception {
        Topics t = env.topics("s8-");
        int n = Math.min(corpus.records().size(), quick ? 1500 : 6000);
        String[] hostile = {"<!channel>", "<!here|here>", "<https://evil.example/login|Open console>", "<@U024BE7LH>",
            "<at user_id=\"all\">所有人</at>", "@all", "\u202Egnp.exe", "\u001b[31mRED\u001b[0m", "line1\r\nline2\u0007",
            "[Open console](https://evil.example)", "<script>alert(1)</script>", "&lt;!channel&gt;"};
        List<RawRecord> planted = new ArrayList<>();
        int k = 0;
        String big = "A".repeat(100_000);
        for (RawRecord r : corpus.records().subList(0, n)) {
            ObjectNode node = (ObjectNode) Json.wire().readTree(r.json());
            String h = hostile[k % hostile.length];
            boolean ali = node.has("eventId");
            boolean failed = ali ? !node.path("errorCode").asText().isEmpty() : !node.path("code").asText().startsWith("2");
            if (failed) {
                k++;
                if (ali) {
                    node.put("errorMessage", node.path("errorMessage").asText() + " " + h);
                    ((ObjectNode) node.path("requestParameters")).put("InstanceName", h + (k % 7 == 0 ? big : ""));
                    ObjectNode id = (ObjectNode) node.path("userIdentity");
                    if (k % 3 == 0) {
                        id.put("userName", id.path("userName").asText() + h);
                    }
                    if (k % 5 == 0 && node.path("errorCode").asText().startsWith("Forbidden")) {
                        node.put("eventName", h);
                    }
                } else {
                    node.put("resource_name", h);
                    node.put("response", node.path("response").asText().replace("is not authorized", h + " is not authorized"));
                    if (k % 3 == 0) {
                        ObjectNode u = (ObjectNode) node.path("user");
                        u.put("name", u.path("name").asText() + h);
                        u.put("user_name", u.path("name").asText());
                    }
                }
            }
            planted.add(new RawRecord(r.seq(), r.cloud(), r.key(), r.eventId(), r.timeMillis(), Json.wire().writeValueAsBytes(node)));
        }
        Path state = env.dir("s8-state");
        List<String> examples = new ArrayList<>();
        long injected = 0;
        long payloads = 0;
        try (WebhookReceiver hook = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver slack = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver ding = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             WebhookReceiver feishu = new WebhookReceiver(i -> WebhookReceiver.Reply.ok());
             DetectorRunner runner = env.detector(t, "s8-detector", state)) {
            runner.start();
            AuditParser parser = new AuditParser();
            List<AuditEvent> events = new ArrayList<>();
            for (RawRecord r : planted) {
                events.addAll(parser.parse(r.json(), "s8#" + r.seq(), Hints.NONE).events());
            }
            env.produce(t, events);
            Oracle o = oracleOf(planted);
            Oracle.Comparison cmp = env.settle(t, o, 180_000);
            DeliveryCounters counters = new DeliveryCounters();
            List<Channel> channels = List.of(
                    new WebhookChannel("hook", Secret.of("bench:hook", hook.url()), null, HTTP, Duration.ofSeconds(5), RateLimits.none(), 0),
                    new SlackChannel("slack", Secret.of("bench:slack", slack.url()), HTTP, Duration.ofSeconds(5), RateLimits.none(), 0),
                    new DingTalkChannel("ding", Secret.of("bench:ding", ding.url() + "?access_token=t"), Secret.of("bench:ding-secret", "SECdemo"),
                            HTTP, Duration.ofSeconds(5), RateLimits.none(), 0),
                    new FeishuChannel("feishu", Secret.of("bench:feishu", feishu.url()), Secret.of("bench:feishu-secret", "demo"), HTTP,
                            Duration.ofSeconds(5), RateLimits.none(), 0));
            Dispatcher d = dispatcher(t, "s8-alerts", channels, counters, FAST);
            long until = System.currentTimeMillis() + 120_000;
            while (d.committedRecords() < cmp.observed() && System.currentTimeMillis() < until) {
                Thread.sleep(200);
            }
            d.close();
            Map<String, List<String>> bodies = new LinkedHashMap<>();
            bodies.put("webhook", hook.requests().stream().map(WebhookReceiver.Request::body).toList());
            bodies.put("slack", slack.requests().stream().map(WebhookReceiver.Request::body).toList());
            bodies.put("dingtalk", ding.requests().stream().map(WebhookReceiver.Request::body).toList());
            bodies.put("feishu", feishu.requests().stream().map(WebhookReceiver.Request::body).toList());
            List<Finding> findings = BenchKafka.findings(env.bootstrap, t.findings());
            DriftReport report = new ReportBuilder(new RemediationPlanner(), MuteRules.none()).build(findings, null, null, Map.of(), Instant.now());
            bodies.put("report.md", List.of(ReportRenderer.render(report, ReportRenderer.Format.MD)));
            bodies.put("report.html", List.of(ReportRenderer.render(report, ReportRenderer.Format.HTML)));
            bodies.put("report.json", List.of(ReportRenderer.render(report, ReportRenderer.Format.JSON)));
            long oversize = 0;
            for (Map.Entry<String, List<String>> e : bodies.entrySet()) {
                for (String body : e.getValue()) {
                    payloads++;
                    if (e.getKey().equals("feishu") && body.getBytes(StandardCharsets.UTF_8).length > 20_000) {
                        oversize++;
                    }
                    List<String> hits = Injection.scan(e.getKey(), body);
                    injected += hits.size();
                    for (String hit : hits) {
                        if (examples.size() < 10) {
                            examples.add(e.getKey() + ": " + hit);
                        }
                    }
                }
            }
            out.printf("  s8 findings=%d (oracle %s); payloads: webhook=%d slack=%d dingtalk=%d feishu=%d, feishu > 20 KB: %d%n", findings.size(),
                    cmp, bodies.get("webhook").size(), bodies.get("slack").size(), bodies.get("dingtalk").size(), bodies.get("feishu").size(),
                    oversize);
            injected += oversize;
        }
        return new Result("8 injection", injected == 0 && payloads > 7 ? "PASS" : "FAIL", 0, 0, 0, injected, String.format(
                "%d hostile strings (Slack <!channel>/<!here>/links/mentions, Feishu <at user_id=\"all\">, @all, Markdown link, <script>, bidi"
                        + " U+202E, ANSI ESC, CR/LF/BEL, 100 KB) planted in userName, errorMessage, request parameters, resource names, API"
                        + " names; %d outbound payloads and rendered reports (MD, HTML, JSON) checked: rendered control sequences=%d%s",
                hostile.length + 1, payloads, injected, examples.isEmpty() ? "" : " e.g. " + examples));
    }

    // =================================================================== 1. EOS crash recovery (kill -9 ×3)

    Result crashRecovery() throws Exception {
        s1Prefix = "s1-";
        s1App = "s1-detector";
        Topics t = env.topics(s1Prefix);
        List<AuditEvent> all = Env.parse(corpus.records());
        s1Split = (int) (all.size() * 0.7);
        List<AuditEvent> partA = all.subList(0, s1Split);
        Oracle o = oracleOf(corpus.records().subList(0, s1Split));
        s1State = env.dir("s1-state");
        int restarts = 0;
        List<Double> toRunning = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        s1Detector = env.detectProcess("s1-detect-0", s1Prefix, s1App, s1State);
        toRunning.add(awaitRunning(s1Detector, t0));
        AtomicLong produced = new AtomicLong();
        Thread producer = new Thread(() -> {
            int step = 100;
            for (int i = 0; i < partA.size(); i += step) {
                env.produce(t, partA.subList(i, Math.min(partA.size(), i + step)));
                produced.addAndGet(Math.min(step, partA.size() - i));
                try {
                    Thread.sleep(quick ? 150 : 50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "s1-producer");
        producer.start();
        double[] at = {0.25, 0.5, 0.75};
        List<Long> killedAt = new ArrayList<>();
        for (double frac : at) {
            long target = (long) (partA.size() * frac);
            long until = System.currentTimeMillis() + 240_000;
            while (env.committed(s1App, t.auditEvents().name()) < target && System.currentTimeMillis() < until) {
                Thread.sleep(50);
            }
            killedAt.add(env.committed(s1App, t.auditEvents().name()));
            s1Detector.kill9();
            restarts++;
            long r0 = System.currentTimeMillis();
            s1Detector = env.detectProcess("s1-detect-" + restarts, s1Prefix, s1App, s1State);
            toRunning.add(awaitRunning(s1Detector, r0));
        }
        producer.join();
        Oracle.Comparison cmp = env.settle(t, o, 240_000);
        long lag = env.lag(s1App, t.auditEvents().name());
        boolean pass = cmp.duplicates() == 0 && cmp.missing() == 0 && cmp.unexpected() == 0 && cmp.finalMismatch() == 0;
        return new Result("1 EOS crash recovery", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "grantwatch detect JVM, exactly_once_v2; input N=%d produced while running; kill -9 ×%d at committed offsets %s; restart→RUNNING"
                        + " %s s; final lag %d; read_committed findings vs oracle: %s", partA.size(), restarts, killedAt, fmt(toRunning), lag, cmp));
    }

    // =================================================================== 9. state restore

    Result stateRestore() throws Exception {
        if (s1Detector == null) {
            return Result.skip("9 state restore", "needs scenario 1's detector and state");
        }
        Topics t = Topics.withPrefix(s1Prefix);
        List<AuditEvent> all = Env.parse(corpus.records());
        s1Detector.kill9();
        long stateBytes = size(s1State);
        ReliabilityMain.deleteQuietly(s1State);
        Files.createDirectories(s1State);
        long r0 = System.currentTimeMillis();
        s1Detector = env.detectProcess("s9-detect", s1Prefix, s1App, s1State);
        double restore = awaitRunning(s1Detector, r0);
        env.produce(t, all.subList(s1Split, all.size()));
        Oracle.Comparison cmp = env.settle(t, oracle, 240_000);
        s1Detector.term();
        boolean pass = cmp.matches();
        return new Result("9 state restore", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "after scenario 1: kill -9, deleted the state directory (%d bytes), restart→RUNNING (restore from changelogs) %.1f s, then"
                        + " the remaining %d events; findings of the whole corpus vs oracle: %s", stateBytes, restore, all.size() - s1Split, cmp));
    }

    // =================================================================== 6. webhook faults

    Result webhookFaults() throws Exception {
        Topics t = Topics.withPrefix("s6-");
        try (var admin = BenchKafka.admin(env.bootstrap)) {
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
        int hookPort = BenchKafka.freePort();
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
            awaitKeys(List.of(hook, slack), phase1, 120_000);
            // phase 2: the receiver is down (connection refused) for the whole phase, then comes back on the same port
            hook.close();
            produceFindings(t, phase2);
            Thread.sleep(quick ? 5_000 : 20_000);
            hook = new WebhookReceiver(hookPort, i -> mode[0] != null ? mode[0] : WebhookReceiver.Reply.ok());
            hooks.add(hook);
            awaitKeys(List.of(hook, slack), phase2, quick ? 90_000 : 180_000);
            // phase 3: the dispatcher halts mid-send (no commit, as a killed process would) and a new one takes over
            mode[0] = new WebhookReceiver.Reply(200, -1, 100, false);
            produceFindings(t, phase3);
            WebhookReceiver h3 = hook;
            long until = System.currentTimeMillis() + 60_000;
            while (h3.accepted().size() < 5 && System.currentTimeMillis() < until) {
                Thread.sleep(20);
            }
            haltAt[0] = System.currentTimeMillis();
            d.halt();
            Dispatcher d2 = dispatcher(t, "s6-alerts", channels, counters, FAST);
            awaitKeys(List.of(hook, slack), phase3, quick ? 90_000 : 180_000);
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
                        + " has no process to kill yet) and replaced; lost=%d (per phase " + Arrays.toString(lostPerPhase)
                                + ") duplicates at receivers=%d (same idempotency key); Slack max in any 1 s"
                        + " = %d (limit 1)%s; retries=%d deferrals=%d",
                all.size(), faults[0], quick ? 5 : 20, lost, dups, slackMax1s, gap, counters.total("retried"), counters.get("pipeline",
                        "deferrals")));
    }

    // =================================================================== 4. scale-out

    Result scaleOut() throws Exception {
        Topics t = env.topics("s4-");
        List<AuditEvent> all = Env.parse(corpus.records());
        Path s1 = env.dir("s4-state-1");
        Path s2 = env.dir("s4-state-2");
        Oracle.Comparison cmp;
        long joinedAt;
        long leftAt;
        try (DetectorRunner one = env.detector(t, "s4-detector", s1)) {
            one.start();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> {
                int step = 100;
                for (int i = 0; i < all.size(); i += step) {
                    env.produce(t, all.subList(i, Math.min(all.size(), i + step)));
                    produced.addAndGet(step);
                    try {
                        Thread.sleep(quick ? 120 : 40);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "s4-producer");
            producer.start();
            waitCommitted("s4-detector", t, (long) (all.size() * 0.3));
            joinedAt = env.committed("s4-detector", t.auditEvents().name());
            try (DetectorRunner two = env.detector(t, "s4-detector", s2)) {
                two.start();
                waitCommitted("s4-detector", t, (long) (all.size() * 0.7));
                leftAt = env.committed("s4-detector", t.auditEvents().name());
            }
            producer.join();
            cmp = env.settle(t, oracle, 240_000);
            out.println("  s4 detector " + one.state() + " " + one.counters().snapshot() + "; lag " + env.lag("s4-detector", t.auditEvents().name())
                    + "; partitions with LSO < HW: " + env.openTransactions("s4-"));
        }
        boolean pass = cmp.duplicates() == 0 && cmp.missing() == 0 && cmp.unexpected() == 0;
        return new Result("4 scale-out", pass ? "PASS" : "FAIL", cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "two detectors (same application id, EOS v2); the second joined at committed offset %d and left (clean close) at %d of %d;"
                        + " findings vs oracle: %s", joinedAt, leftAt, all.size(), cmp));
    }

    // =================================================================== 2. broker bounce

    Result brokerBounce() throws Exception {
        Topics t = env.topics("s2-");
        List<AuditEvent> all = Env.parse(corpus.records());
        Path state = env.dir("s2-state");
        Oracle.Comparison cmp;
        long failedSends;
        long inTopic;
        List<String> bounces = new ArrayList<>();
        try (DetectorRunner runner = env.detector(t, "s2-detector", state)) {
            runner.start();
            AtomicLong failed = new AtomicLong();
            AtomicLong produced = new AtomicLong();
            Thread producer = new Thread(() -> {
                int step = 50;
                for (int i = 0; i < all.size(); i += step) {
                    List<AuditEvent> chunk = all.subList(i, Math.min(all.size(), i + step));
                    long f = env.produce(t, chunk);
                    while (f > 0) {
                        // ingest's contract: what was not acknowledged is sent again (duplicates carry the same event id)
                        failed.addAndGet(f);
                        f = env.produce(t, chunk);
                    }
                    produced.addAndGet(chunk.size());
                    try {
                        Thread.sleep(quick ? 60 : 20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "s2-producer");
            producer.start();
            waitProduced(produced, all.size() / 3);
            long b0 = System.currentTimeMillis();
            broker.term();
            broker = brokerStarter.call();
            bounces.add(String.format("clean restart at %d produced, broker back in %.1f s", produced.get(),
                    (System.currentTimeMillis() - b0) / 1000.0));
            waitProduced(produced, all.size() * 2 / 3);
            b0 = System.currentTimeMillis();
            broker.kill9();
            broker = brokerStarter.call();
            bounces.add(String.format("kill -9 at %d produced, broker back in %.1f s", produced.get(), (System.currentTimeMillis() - b0) / 1000.0));
            producer.join();
            failedSends = failed.get();
            cmp = env.settle(t, oracle, 300_000);
            out.println("  s2 detector " + runner.state() + " " + runner.counters().snapshot());
        }
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : BenchKafka.readAll(env.bootstrap, t.auditEvents().name())) {
            ids.add(t.auditEvents().valueSerde().deserializer().deserialize(t.auditEvents().name(), r.value()).eventId());
        }
        inTopic = ids.size();
        long lostEvents = all.stream().filter(e -> !ids.contains(e.eventId())).count();
        boolean pass = lostEvents == 0 && cmp.missing() == 0;
        return new Result("2 broker bounce", pass ? "PASS" : "FAIL", lostEvents + cmp.missing(), cmp.duplicates(), 0, 0, String.format(
                "%s; %s; ingest producer (idempotent, acks=all) sends not acknowledged and re-sent=%d; distinct events in audit-events %d of %d"
                        + " (lost %d); findings vs oracle: %s (duplicates under EOS after a broker kill are counted, not excused)",
                bounces.get(0), bounces.get(1), failedSends, inTopic, all.size(), lostEvents, cmp));
    }

    // =================================================================== 5. catalog churn + late events

    Result churnAndLateness() throws Exception {
        // Semantics, switch point and oracle: ChurnAndLateness and bench/README.md ("Scenario 5"). Two phases, each on its own
        // topics and detector, so that a difference is attributed to the catalog churn or to the arrival order, not to both.
        DetectorSettings settings = DetectorSettings.defaults();
        List<AuditEvent> events = Env.parse(corpus.records());

        ChurnAndLateness.Plan churn = ChurnAndLateness.churn(events, env.catalog, settings);
        ChurnAndLateness.Replay churnWant = ChurnAndLateness.replay(churn, false, settings);
        out.printf("  s5a churn: segment 2's catalog lacks the entries that explain %s %s, segment 3's has them back and %s retitled;"
                + " segments of %s events in event-time order%n", churn.churn(), churn.churn().removed(), churn.churn().retitled(),
                churn.segments().stream().map(s -> s.arrival().size()).toList());
        Run a = run("s5a-", churn, churnWant);
        ChurnAndLateness.Comparison churnCmp = ChurnAndLateness.compare(churnWant.emitted(), a.findings());
        String v2 = churn.segments().get(1).catalog().version();
        Predicate<Finding> unmappedChurned = f -> f.kind() == FindingKind.UNMAPPED_DENIAL && v2.equals(f.catalogVersion())
                && f.status() == FindingStatus.OPEN && churn.churn().names(f);
        Predicate<Finding> retitled = f -> f.scenarioTitle() != null && f.scenarioTitle().endsWith(ChurnAndLateness.TITLE_SUFFIX);
        long unmapped = a.findings().stream().filter(unmappedChurned).count();
        long unmappedWant = churnWant.emitted().stream().filter(unmappedChurned).count();
        long superseded = ChurnAndLateness.superseded(a.findings());
        long supersededWant = ChurnAndLateness.superseded(churnWant.emitted());
        long titled = a.findings().stream().filter(retitled).count();
        long titledWant = churnWant.emitted().stream().filter(retitled).count();
        Map<String, Long> byVersion = new LinkedHashMap<>();
        for (ChurnAndLateness.Segment s : churn.segments()) {
            byVersion.put(s.catalog().version(), a.findings().stream().filter(f -> s.catalog().version().equals(f.catalogVersion())).count());
        }
        boolean churnOk = churnCmp.matches() && supersededWant > 0 && superseded == supersededWant && unmapped == unmappedWant
                && titled == titledWant && a.unmappedTopic() == churnWant.unmappedOut();
        String churnFigures = String.format("(a) catalog churn: switches %s; finding versions by catalog version %s; unmapped-denial versions of %s"
                        + " while its entries were missing %d (oracle %d); unmapped findings superseded when they returned %d (oracle %d);"
                        + " versions with the changed title %d (oracle %d); unmapped-denials records %d (oracle %d; deleted by the broker's"
                        + " time retention by the end: %d); findings vs oracle %s%s",
                a.switches(), byVersion.values(), churn.churn(), unmapped, unmappedWant, superseded, supersededWant, titled, titledWant,
                a.unmappedTopic(), churnWant.unmappedOut(), a.unmappedDeleted(), churnCmp, diagnosis(churnCmp.differing(), churn, churnWant,
                        a.findings(), settings));

        ChurnAndLateness.Plan late = ChurnAndLateness.lateness(events, env.catalog, settings, S5_JITTER, quick ? 9 : 30, 5);
        ChurnAndLateness.Replay lateWant = ChurnAndLateness.replay(late, false, settings);
        out.printf("  s5b order: arrival delayed 0..%ds (grace %dm) → %d events arrive after a later one of their principal; planted late %s%n",
                S5_JITTER.toSeconds(), settings.grace().toMinutes(), late.inverted(), late.late().stream().map(ChurnAndLateness.Late::kind).toList());
        Run b = run("s5b-", late, lateWant);
        ChurnAndLateness.LifecycleComparison lifecycles = ChurnAndLateness.compareLifecycles(lateWant.emitted(), b.findings());
        ChurnAndLateness.Comparison lateCmp = ChurnAndLateness.compare(lateWant.emitted(), b.findings());
        long planted = late.late().size();
        // Defined semantics: the lifecycles equal the event-time oracle's except denials attributed to another scenario because
        // a signalling call arrived after them (ChurnAndLateness.reattributed), and equal the arrival-order replay's exactly.
        int reattributed = ChurnAndLateness.reattributed(lateWant.emitted(), b.findings(), lifecycles.differing());
        ChurnAndLateness.LifecycleComparison vsArrival = ChurnAndLateness.compareLifecycles(
                ChurnAndLateness.replay(late, true, settings).emitted(), b.findings());
        boolean lateOk = lifecycles.differing().size() == reattributed && vsArrival.matches()
                && b.counters().late() == planted && b.lateInStates() == planted && lateWant.counters().late() == planted
                && b.counters().iamChanges() == lateWant.counters().iamChanges();
        String lateFigures = String.format("(b) out of order within the grace + too late: late events planted %d, counted %d (Σ PrincipalState.late"
                        + " %d, oracle %d); IAM changes applied %d (oracle %d: late copies are not applied); finding lifecycles vs oracle %s"
                        + " (of which re-attributed to another scenario by arrival order: %d ids); vs the arrival-order replay %s;"
                        + " versions with counts (not a criterion here) %s%s", planted, b.counters().late(), b.lateInStates(), lateWant.counters()
                                .late(),
                b.counters().iamChanges(), lateWant.counters().iamChanges(), lifecycles, reattributed, vsArrival, lateCmp.counts(),
                diagnosis(lifecycles.differing(), late, lateWant, b.findings(), settings));
        boolean pass = churnOk && lateOk;
        return new Result("5 catalog churn + late/out-of-order events", pass ? "PASS" : "FAIL",
                churnCmp.missing() + Math.max(0, lifecycles.missing() - reattributed / 2),
                churnCmp.duplicates() + lateCmp.duplicates(), 0, 0, "(a) " + (churnOk ? "PASS" : "FAIL") + ", (b) " + (lateOk ? "PASS" : "FAIL")
                        + "; " + churnFigures + "; " + lateFigures);
    }

    /** What one phase of scenario 5 observed. */
    /**
     * @param unmappedTopic   unmapped-denials records read as they were committed
     * @param unmappedDeleted unmapped-denials records the broker had deleted by the end (log start offsets): the detector
     *                        writes them with the event's time, so a denial older than the topic's time retention is deleted
     *                        at the broker's next retention check
     */
    private record Run(List<Finding> findings, DetectorCounters counters, long lateInStates, long unmappedTopic, long unmappedDeleted,
                       List<String> switches) {
    }

    /** Counts a topic's committed records as they are written (read_committed, from the beginning) until closed. */
    private static final class Tail implements AutoCloseable {
        private final AtomicLong count = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;

        Tail(String bootstrap, String topic) {
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(BenchKafka.consumerConfig(bootstrap, null), new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
                    List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    c.assign(parts);
                    c.seekToBeginning(parts);
                    while (!stop) {
                        count.addAndGet(c.poll(Duration.ofMillis(100)).count());
                    }
                }
            }, "tail-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(10_000);
        }
    }

    /** Records deleted from the start of a topic (sum of the log start offsets). */
    private long logStart(String topic) throws Exception {
        try (Admin admin = BenchKafka.admin(env.bootstrap)) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> req.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest()));
            return admin.listOffsets(req).all().get().values().stream().mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    /**
     * Runs a plan against a fresh detector: each segment is produced once the previous one is processed and its catalog is in the
     * detector's global store (the switch point); returns what the topics and the detector say once the findings settle.
     */
    private Run run(String prefix, ChurnAndLateness.Plan plan, ChurnAndLateness.Replay want) throws Exception {
        Topics t = env.topics(prefix);
        CatalogPublisher publisher = new CatalogPublisher(Map.of("bootstrap.servers", env.bootstrap));
        List<String> switches = new ArrayList<>();
        try (DetectorRunner runner = env.detector(t, prefix + "detector", env.dir(prefix + "state"));
             Tail unmapped = new Tail(env.bootstrap, t.unmappedDenials().name())) {
            runner.start();
            int last = plan.segments().size() - 1;
            for (int i = 0; i <= last; i++) {
                ChurnAndLateness.Segment segment = plan.segments().get(i);
                if (i > 0) {
                    long t0 = System.currentTimeMillis();
                    awaitDrained(runner, want.eventsAt()[i - 1], want.changesAt()[i - 1]);
                    long t1 = System.currentTimeMillis();
                    CatalogPublisher.Result published = publisher.publish(segment.catalog(), t.catalog());
                    long t2 = System.currentTimeMillis();
                    awaitInGlobalStore(runner, segment.catalog());
                    switches.add(String.format("%s (%d records, %d tombstones): drained %.1fs, acknowledged %.1fs, in the global store %.1fs",
                            segment.catalog().version(), published.written(), published.tombstoned().size(), (t1 - t0) / 1000.0,
                            (t2 - t1) / 1000.0, (System.currentTimeMillis() - t2) / 1000.0));
                }
                List<AuditEvent> events = segment.arrival();
                for (int from = 0; from < events.size(); from += 500) {
                    if (env.produce(t, events.subList(from, Math.min(events.size(), from + 500))) > 0) {
                        throw new IllegalStateException("events not acknowledged by the broker");
                    }
                }
            }
            awaitDrained(runner, want.eventsAt()[last], want.changesAt()[last]);
            List<Finding> seen = settleFindings(t, want.emitted().size(), 120_000);
            out.println("  " + prefix + " detector " + runner.state() + " " + runner.counters().snapshot() + "; oracle " + want.counters()
                    .snapshot());
            return new Run(seen, runner.counters(), lateInStates(runner), unmapped.count(), logStart(t.unmappedDenials().name()), switches);
        }
    }

    /**
     * Sorts the ids that differ from the oracle: those that differ the same way when the offline engine is fed the arrival order
     * (the engine's order sensitivity, by what the principal's arrival order did) and those that do not (the topology differs
     * from the offline detector).
     */
    private static String diagnosis(Set<String> differing, ChurnAndLateness.Plan plan, ChurnAndLateness.Replay want, List<Finding> seen,
                                    DetectorSettings settings) {
        if (differing.isEmpty()) {
            return "";
        }
        ChurnAndLateness.Replay arrival = ChurnAndLateness.replay(plan, true, settings);
        Set<String> unlikeArrival = ChurnAndLateness.compare(arrival.emitted(), seen).differing();
        Set<String> order = new LinkedHashSet<>(differing);
        order.removeIf(unlikeArrival::contains);
        Set<String> topology = new LinkedHashSet<>(differing);
        topology.removeAll(order);
        return String.format("; differing ids %d: %d differ as the offline engine fed the arrival order does %s, %d differ from that replay too %s"
                        + " (offline arrival-order replay vs oracle: %s)", differing.size(), order.size(),
                examples(ChurnAndLateness.classify(order, want.emitted(), seen, plan)), topology.size(),
                examples(ChurnAndLateness.classify(topology, want.emitted(), seen, plan)),
                ChurnAndLateness.compareLifecycles(want.emitted(), arrival.emitted()));
    }

    /** Arrival jitter of scenario 5: ActionTrail and CTS deliver minutes late, well within the 30-min grace. */
    private static final Duration S5_JITTER = Duration.ofMinutes(5);

    /**
     * Until the detector has processed every event produced so far and the IAM changes the oracle applies
     * (they travel through the by-principal repartition topic), then 1.5 s without any counter moving.
     */
    private static void awaitDrained(DetectorRunner runner, long events, long changes) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        DetectorCounters c = runner.counters();
        while (c.events() < events || c.iamChanges() < changes) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("detector did not process the segment: " + c.snapshot() + ", want events=" + events
                        + " iam-changes=" + changes);
            }
            Thread.sleep(50);
        }
        Map<String, Long> before = c.snapshot();
        long quietSince = System.currentTimeMillis();
        while (System.currentTimeMillis() - quietSince < 1500) {
            Thread.sleep(100);
            if (!c.snapshot().equals(before)) {
                before = c.snapshot();
                quietSince = System.currentTimeMillis();
            }
        }
    }

    /** Until the detector's global catalog store holds the version complete (CatalogHolder's adoption rule) and nothing removed. */
    private static void awaitInGlobalStore(DetectorRunner runner, io.grantwatch.model.catalog.Catalog catalog) throws InterruptedException {
        Map<String, CatalogEntry> want = catalog.toEntries();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                ReadOnlyKeyValueStore<String, CatalogEntry> store = runner.streams().store(StoreQueryParameters.fromNameAndType(
                        DetectorTopology.CATALOG_ENTRIES, QueryableStoreTypes.<String, CatalogEntry>keyValueStore()));
                boolean complete = true;
                for (String key : want.keySet()) {
                    CatalogEntry e = store.get(key);
                    complete &= e != null && catalog.version().equals(e.version());
                }
                try (KeyValueIterator<String, CatalogEntry> it = store.all()) {
                    while (it.hasNext()) {
                        complete &= want.containsKey(it.next().key);
                    }
                }
                if (complete) {
                    return;
                }
            } catch (InvalidStateStoreException e) {
                // rebalancing or starting: ask again
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("catalog " + catalog.version() + " not in the detector's global store after 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static long lateInStates(DetectorRunner runner) {
        ReadOnlyKeyValueStore<String, PrincipalState> store = runner.streams().store(StoreQueryParameters.fromNameAndType(
                DetectorTopology.PRINCIPAL_STATE, QueryableStoreTypes.<String, PrincipalState>keyValueStore()));
        long late = 0;
        try (KeyValueIterator<String, PrincipalState> it = store.all()) {
            while (it.hasNext()) {
                late += it.next().value.late();
            }
        }
        return late;
    }

    /** Findings on the topic once it carries at least the expected versions and stays unchanged for 3 s, or at the timeout. */
    private List<Finding> settleFindings(Topics t, long expected, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        int last = -1;
        long stableSince = System.currentTimeMillis();
        while (true) {
            List<Finding> seen = BenchKafka.findings(env.bootstrap, t.findings());
            if (seen.size() != last) {
                last = seen.size();
                stableSince = System.currentTimeMillis();
            }
            long stable = System.currentTimeMillis() - stableSince;
            if (seen.size() >= expected && stable >= 3000 || stable >= 30_000 || System.currentTimeMillis() > deadline) {
                return seen;
            }
            Thread.sleep(500);
        }
    }

    private static String examples(Map<String, List<String>> byKind) {
        StringBuilder sb = new StringBuilder("{");
        byKind.forEach((kind, ids) -> sb.append(sb.length() > 1 ? ", " : "").append(kind).append('=').append(ids.size())
                .append(ids.stream().limit(3).toList()));
        return sb.append('}').toString();
    }

    // =================================================================== helpers

    private double awaitRunning(Proc p, long since) throws Exception {
        p.awaitLine("→ RUNNING", 180_000);
        return (System.currentTimeMillis() - since) / 1000.0;
    }

    private void waitCommitted(String group, Topics t, long target) throws InterruptedException {
        long until = System.currentTimeMillis() + 240_000;
        while (env.committed(group, t.auditEvents().name()) < target && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
    }

    private static void waitProduced(AtomicLong produced, long target) throws InterruptedException {
        long until = System.currentTimeMillis() + 240_000;
        while (produced.get() < target && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
    }

    private Dispatcher dispatcher(Topics t, String group, List<Channel> channels, DeliveryCounters counters, RetryPolicy retry) {
        List<ChannelSender> senders = channels.stream().map(c -> new ChannelSender(c, retry, counters, Clock.SYSTEM, 50)).toList();
        return new Dispatcher(new Dispatcher.Settings(env.bootstrap, group, t, null, null, retry, Map.of()),
                ledger -> new AlertPipeline(new RemediationPlanner(), new Router(List.of(), channels.stream().map(Channel::name).toList()),
                        MuteRules.none(), senders, counters, Instant::now, ledger)).start();
    }

    private void produceFindings(Topics t, List<Finding> findings) throws Exception {
        try (KafkaProducer<String, Finding> p = new KafkaProducer<>(BenchKafka.producerConfig(env.bootstrap), Topics.STRING.serializer(),
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

    private static void awaitKeys(List<WebhookReceiver> receivers, List<Finding> findings, long timeoutMillis) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < until) {
            boolean all = true;
            for (WebhookReceiver r : receivers) {
                for (Finding f : findings) {
                    if (!r.accepted().containsKey(Alert.keyOf(f))) {
                        all = false;
                        break;
                    }
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static long size(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return b == null ? "" : new String(b, StandardCharsets.UTF_8);
    }

    private static String fmt(List<Double> xs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < xs.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(String.format("%.1f", xs.get(i)));
        }
        return sb.append(']').toString();
    }

    /** Captures every log event of this JVM (formatted message and stack trace) while a scenario runs. */
    static final class LogCapture {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

        static LogCapture start() {
            LogCapture c = new LogCapture();
            c.appender.start();
            c.root.addAppender(c.appender);
            return c;
        }

        String text() {
            StringBuilder sb = new StringBuilder();
            synchronized (appender.list) {
                for (ILoggingEvent e : appender.list) {
                    sb.append(e.getFormattedMessage()).append('\n');
                    if (e.getThrowableProxy() != null) {
                        sb.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
                    }
                }
            }
            return sb.toString();
        }

        void stop() {
            root.detachAppender(appender);
            appender.stop();
        }
    }

    /** Checks one outbound payload or report for control sequences that hostile event text could have rendered. */
    static final class Injection {
        private Injection() {
        }

        static List<String> scan(String channel, String body) {
            List<String> hits = new ArrayList<>();
            List<String> strings = new ArrayList<>();
            boolean json = channel.equals("webhook") || channel.equals("slack") || channel.equals("dingtalk") || channel.equals("feishu")
                    || channel.equals("report.json");
            if (json) {
                try {
                    collect(Json.wire().readTree(body), strings, hits);
                } catch (IOException e) {
                    hits.add("unparsable JSON payload");
                }
            } else {
                strings.add(body);
            }
            for (String s : strings) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    boolean control = (c < 0x20 && c != '\n' && c != '\t' && !(c == '\r' && channel.startsWith("report")))
                            || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
                    if (control) {
                        hits.add(String.format("control U+%04X", (int) c));
                        break;
                    }
                }
                switch (channel) {
                    case "slack" -> {
                        for (String m : List.of("<!channel>", "<!here", "<@U024BE7LH>", "<https://evil")) {
                            if (s.contains(m)) {
                                hits.add("slack control " + m);
                            }
                        }
                    }
                    case "feishu" -> {
                        if (s.contains("<at ")) {
                            hits.add("feishu <at>");
                        }
                    }
                    case "dingtalk" -> {
                        if (s.contains("](https://evil")) {
                            hits.add("dingtalk markdown link");
                        }
                    }
                    case "report.html" -> {
                        if (s.contains("<script>alert") || s.contains("<!channel>") || s.contains("<at user_id")) {
                            hits.add("html markup from event text");
                        }
                    }
                    case "report.md" -> {
                        if (s.contains("](https://evil") || s.contains("<script>alert")) {
                            hits.add("markdown link/markup from event text");
                        }
                    }
                    default -> {
                        // webhook and JSON report: JSON-escaped; control characters checked above
                    }
                }
            }
            return hits;
        }

        private static void collect(JsonNode n, List<String> strings, List<String> hits) {
            if (n.isTextual()) {
                strings.add(n.asText());
            } else if (n.isObject()) {
                n.properties().forEach(e -> {
                    if (e.getKey().equals("isAtAll") && e.getValue().asBoolean()) {
                        hits.add("dingtalk isAtAll=true");
                    }
                    strings.add(e.getKey());
                    collect(e.getValue(), strings, hits);
                });
            } else if (n.isArray()) {
                n.forEach(x -> collect(x, strings, hits));
            }
        }
    }
}
