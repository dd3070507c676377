package io.grantwatch.systemtests;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.alerts.channel.Channel;
import io.grantwatch.alerts.channel.DeliveryCounters;
import io.grantwatch.alerts.channel.RateLimits;
import io.grantwatch.alerts.channel.Secret;
import io.grantwatch.alerts.channel.SlackChannel;
import io.grantwatch.alerts.channel.WebhookChannel;
import io.grantwatch.alerts.dispatch.Dispatcher;
import io.grantwatch.ingest.kafka.KafkaAuditSink;
import io.grantwatch.ingest.parse.AuditParser;
import io.grantwatch.ingest.parse.Hints;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import io.grantwatch.systemtests.corpus.Oracle;
import io.grantwatch.systemtests.corpus.RawRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.LoggerFactory;

/**
 * Reliability scenario 7: redaction: secrets planted in every field that can carry one must not reach any sink (topics,
 * dead letters, alert payloads, the detector JVM's log, this JVM's log).
 */
class Scenario07RedactionIT extends SystemTest {
    @Override
    Result run() throws Exception {
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
            try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Clients.producerConfig(env.bootstrap), new ByteArraySerializer(),
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
            // every finding dispatched, or two minutes: the report checks what did go out
            pollUntil(Duration.ofMinutes(2), Duration.ofMillis(200), () -> d.committedRecords() >= expected);
            d.close();
            for (String topic : List.of(t.findings().name(), t.unmappedDenials().name(), t.remediations().name(), t.auditDlq().name(),
                    t.detectorDlq().name(), "s7-alerts-parked")) {
                StringBuilder sb = new StringBuilder();
                try {
                    for (ConsumerRecord<byte[], byte[]> r : Clients.readAll(env.bootstrap, topic)) {
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
                (exercised ? "" : "NOT EXERCISED (no findings or no alerts reached the sinks); ") + "%d distinct planted secrets (AK ids "
                        + "of every principal, AccessKeySecret, Password, STS SecurityToken in params, params JSON,"
                        + " additionalEventData; Bearer JWT in userAgent; Signature/password in errorMessage; CTS adminPass/password in request,"
                        + " X-Subject-Token in response; secrets inside unreadable raw input and unreadable audit-events records) searched in"
                        + " %d sinks (findings, unmapped-denials, remediations, audit-dlq, detector-dlq incl. headers, parked alerts, webhook"
                        + " and Slack payloads, detector JVM log, suite JVM log): leaked (secret, sink) pairs=%d%s",
                secrets.size(), texts.size(), leaked, sinks.isEmpty() ? "" : " e.g. " + sinks));
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
}
