package io.grantwatch.ingest.parse;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.ingest.RejectedRecord;
import io.grantwatch.ingest.SkippedRecord;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.Principal;
import io.grantwatch.model.SourceRef;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * From one parsed JSON value to audit events: peels the delivery envelopes (FunctionGraph
 * {@code {"cts":…}}, SMN notifications, EventBridge CloudEvents, SLS records, LookupEvents /
 * GetAccessKeyLastUsedEvents / ListTraces responses, arrays, JSON inside strings), detects the cloud
 * and normalizes. A CTS digest ({@link CtsDigest}) is skipped; everything else that is not an event
 * becomes a {@link RejectedRecord} with a reason.
 */
final class Records {
    private static final int MAX_DEPTH = 8;
    private static final String[] CONTAINERS = {"events", "traces", "records", "logs", "items", "data", "results", "list"};

    private final int maxRejectedBytes;

    Records(int maxRejectedBytes) {
        this.maxRejectedBytes = maxRejectedBytes;
    }

    /** Emits every event in {@code node}; a CTS digest is skipped; a node that holds neither is rejected. */
    void handle(JsonNode node, Hints hints, String location, long position, long line, AuditParser.Sink sink) {
        Ctx ctx = new Ctx(location, position, line, sink::event, sink::rejected, sink::skipped);
        walk(node, hints, ctx, 0, null);
    }

    private record Ctx(String location, long position, long line, Consumer<AuditEvent> events,
                       Consumer<RejectedRecord> rejected, Consumer<SkippedRecord> skipped) {
    }

    private void walk(JsonNode node, Hints hints, Ctx ctx, int depth, String path) {
        if (depth > MAX_DEPTH) {
            reject(ctx, node, "nested too deep" + at(path));
            return;
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            reject(ctx, node, "empty record" + at(path));
            return;
        }
        if (node.isTextual()) {
            JsonNode inner = parseEmbedded(node.textValue());
            if (inner == null) {
                reject(ctx, node, "not a JSON object: a string that is not JSON" + at(path));
            } else {
                walk(inner, hints, ctx, depth + 1, path);
            }
            return;
        }
        if (node.isArray()) {
            int i = 0;
            for (JsonNode el : node) {
                walk(el, hints, ctx, depth + 1, (path == null ? "" : path) + "[" + i++ + "]");
            }
            return;
        }
        if (!node.isObject()) {
            reject(ctx, node, "not a JSON object but a " + node.getNodeType().name().toLowerCase(Locale.ROOT) + at(path));
            return;
        }
        Fields f = Fields.of(node);
        // FunctionGraph CTS trigger
        if (f.has("cts") && f.size() <= 3) {
            walk(f.raw("cts"), hints.withCloud(Cloud.HUAWEI), ctx, depth + 1, sub(path, "cts"));
            return;
        }
        // SMN HTTP(S) push envelope
        if (isSmn(f)) {
            String type = f.text("type");
            if (type != null && !type.equalsIgnoreCase("Notification")) {
                reject(ctx, node, "SMN " + type + " is a control message, not an audit event"
                        + (type.toLowerCase(Locale.ROOT).startsWith("subscription") ? " (confirm it at its subscribe_url)" : ""));
                return;
            }
            walk(f.raw("message"), hints.withTime(Times.parse(f.raw("timestamp"))).withCloud(Cloud.HUAWEI),
                    ctx, depth + 1, sub(path, "message"));
            return;
        }
        // EventBridge CloudEvents envelope
        if (f.has("data") && (f.has("specversion") || (f.has("source") && f.has("type") && f.has("id")))) {
            String type = f.text("type");
            Cloud c = type != null && type.toLowerCase(Locale.ROOT).startsWith("actiontrail") ? Cloud.ALIBABA : null;
            Hints h = hints.withTime(Times.parse(f.raw("time"))).withCloud(c)
                    .with(f.text("aliyunregionid"), f.text("aliyunaccountid"));
            walk(f.raw("data"), h, ctx, depth + 1, sub(path, "data"));
            return;
        }
        // CTS digest file (integrity verification): not an event and not bad input
        if (CtsDigest.looksLike(f)) {
            ctx.skipped().accept(new SkippedRecord(ctx.location(), ctx.position(), CtsDigest.REASON + at(path)));
            return;
        }
        if (Cts.looksLike(f) && !ActionTrail.looksLike(f)) {
            emit(ctx, node, safely(() -> Cts.normalize(f, hints, ref(ctx))), path);
            return;
        }
        if (ActionTrail.looksLike(f)) {
            emit(ctx, node, safely(() -> ActionTrail.normalize(f, hints, ref(ctx))), path);
            return;
        }
        // SLS records: the event as a JSON string in event / contents.event
        if (f.has("contents") && f.raw("contents").isObject()) {
            walk(f.raw("contents"), hints.withTime(slsTime(f)).withCloud(Cloud.ALIBABA), ctx, depth + 1, sub(path, "contents"));
            return;
        }
        if (f.has("event") && (f.raw("event").isTextual() || f.raw("event").isObject())) {
            walk(f.raw("event"), hints.withTime(slsTime(f)).withCloud(Cloud.ALIBABA), ctx, depth + 1, sub(path, "event"));
            return;
        }
        // GetAccessKeyLastUsedEvents (Events[].Detail) and EventBridge-style detail
        if (f.has("detail") && (f.raw("detail").isTextual() || f.raw("detail").isObject())) {
            walk(f.raw("detail"), hints.withTime(Times.parse(f.raw("usedtimestamp"))), ctx, depth + 1, sub(path, "Detail"));
            return;
        }
        // API responses: LookupEvents {Events:[…]}, ListTraces {traces:[…], meta_data}, wrappers
        boolean container = false;
        for (String c : CONTAINERS) {
            JsonNode arr = f.raw(c);
            if (arr != null && arr.isArray()) {
                container = true;
                Hints h = c.equals("traces") ? hints.withCloud(Cloud.HUAWEI) : hints;
                int i = 0;
                for (JsonNode el : arr) {
                    walk(el, h, ctx, depth + 1, sub(path, fieldName(node, c)) + "[" + i++ + "]");
                }
            }
        }
        if (container) {
            return;
        }
        // A wrapper of one value ({"data":{…}}, {"body":"{…}"}, {"result":[…]}): look inside it.
        if (node.size() == 1) {
            Map.Entry<String, JsonNode> only = node.properties().iterator().next();
            JsonNode v = only.getValue();
            if (v.isContainerNode() || (v.isTextual() && parseEmbedded(v.textValue()) != null)) {
                walk(v, hints, ctx, depth + 1, sub(path, only.getKey()));
                return;
            }
        }
        reject(ctx, node, unknownShape(node, hints) + at(path));
    }

    /** A record shape nobody foresaw must not stop the file: it becomes a rejection, the file goes on. */
    private static Object safely(Supplier<Object> normalize) {
        try {
            return normalize.get();
        } catch (RuntimeException e) {
            return "cannot normalize record: " + e.getClass().getSimpleName();
        }
    }

    private static String fieldName(JsonNode node, String normKey) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String n = it.next();
            if (Fields.norm(n).equals(normKey)) {
                return n;
            }
        }
        return normKey;
    }

    private static Instant slsTime(Fields f) {
        Instant t = Times.parse(f.raw("time"));
        return t != null ? t : Times.parse(f.raw("timestamp"));
    }

    private static boolean isSmn(Fields f) {
        if (!f.has("message") && !f.has("subscribeurl")) {
            return false;
        }
        if (f.has("topicurn") || f.has("signingcerturl") || f.has("signatureversion")) {
            return true;
        }
        String type = f.text("type");
        return type != null && f.has("messageid")
                && (type.equalsIgnoreCase("Notification") || type.toLowerCase(Locale.ROOT).contains("confirmation"));
    }

    private static String unknownShape(JsonNode node, Hints hints) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext() && keys.size() < 12; ) {
            String k = it.next();
            keys.add(k.length() > 40 ? k.substring(0, 40) + "…" : k);
        }
        String what;
        if (hints.cloud() == Cloud.ALIBABA) {
            what = "not an ActionTrail event: missing required fields (eventName, eventTime, userIdentity)";
        } else if (hints.cloud() == Cloud.HUAWEI) {
            what = "not a CTS trace: missing required fields (trace_name, time, user)";
        } else {
            what = "unknown shape: neither an ActionTrail event nor a CTS trace";
        }
        return what + "; keys: " + Redactor.text(String.join(", ", keys));
    }

    private static String sub(String path, String name) {
        return path == null ? name : path + "." + name;
    }

    private static String at(String path) {
        return path == null ? "" : " (at " + path + ")";
    }

    private static SourceRef ref(Ctx ctx) {
        String l = ctx.location();
        String kind = l.startsWith("http:") ? "http" : l.startsWith("api:") ? "api" : "file";
        return new SourceRef(kind, l, ctx.position());
    }

    private void emit(Ctx ctx, JsonNode node, Object result, String path) {
        if (result instanceof AuditEvent e) {
            ctx.events().accept(redactPrincipal(e));
        } else {
            reject(ctx, node, result + at(path));
        }
    }

    private static AuditEvent redactPrincipal(AuditEvent e) {
        Principal p = e.principal();
        Principal r = new Principal(p.type(), Redactor.text(p.id()), Redactor.text(p.name()), Redactor.text(p.accountId()),
                Redactor.text(p.roleName()), Redactor.text(p.sessionName()), Redactor.text(p.issuer()), p.accessKeyId());
        if (r.equals(p)) {
            return e;
        }
        return new AuditEvent(e.cloud(), e.eventId(), e.eventTime(), r, e.service(), e.action(), e.iamAction(),
                e.resource(), e.outcome(), e.explicitDeny(), e.errorCode(), e.errorMessage(), e.sourceIp(), e.region(),
                e.userAgent(), e.eventType(), e.parameters(), e.source());
    }

    private void reject(Ctx ctx, JsonNode node, String reason) {
        ctx.rejected().accept(new RejectedRecord(ctx.location(), ctx.position(), ctx.line(), reason, redactedBytes(node)));
    }

    byte[] redactedBytes(JsonNode node) {
        if (node == null) {
            return new byte[0];
        }
        byte[] b = Redactor.tree(node).toString().getBytes(StandardCharsets.UTF_8);
        return truncate(b, maxRejectedBytes);
    }

    static byte[] truncate(byte[] b, int max) {
        if (b.length <= max) {
            return b;
        }
        byte[] out = new byte[max];
        System.arraycopy(b, 0, out, 0, max);
        return out;
    }

    static JsonNode parseEmbedded(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[' && t.charAt(0) != '"')) {
            return null;
        }
        try {
            return Json.wire().readTree(t);
        } catch (IOException e) {
            return null;
        }
    }

    /** A stable id for records that carry none: the same record always gets the same id, so re-sends dedupe. */
    static String syntheticId(Cloud cloud, JsonNode node) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest(node.toString().getBytes(StandardCharsets.UTF_8));
            return cloud.wire() + "-sha256-" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
