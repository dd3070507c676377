package io.grantwatch.detector.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class AuditEventReaderTest {
    private final Serde<AuditEvent> model = Topics.withPrefix("t-").auditEvents().valueSerde();
    private final Serde<AuditEvent> fast = AuditEventReader.serde(model);

    @Test
    void shouldParseEveryTimeTheWireMapperWritesExactlyAsInstantParse() {
        Random r = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            long seconds = r.nextLong(-62_000_000_000L, 253_402_300_799L); // years 0005 to 9999
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1_000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            String text = DateTimeFormatter.ISO_INSTANT.format(t);
            assertThat(AuditEventReader.parseUtc(text)).as(text).isEqualTo(t);
        }
        assertThat(AuditEventReader.parseUtc("2026-11-01T00:53:20.4Z")).isEqualTo(Instant.parse("2026-11-01T00:53:20.4Z"));
    }

    @Test
    void shouldLeaveOtherShapesToJacksonsParser() {
        for (String other : new String[] {"2026-11-01T00:53:20+08:00", "2026-11-01 00:53:20Z", "2026-02-30T00:00:00Z",
            "2026-11-01T24:00:00Z", "+12026-11-01T00:53:20Z", "2026-11-01T00:53:20.Z", "2026-11-01T00:53:20.1234567890Z", "2026-1a-01T00:53:20Z"}) {
            assertThat(AuditEventReader.parseUtc(other)).as(other).isNull();
        }
    }

    @Test
    void shouldReadTheSameEventAsTheModelSerde() throws Exception {
        AuditEvent e = io.grantwatch.detector.StreamsFixtures.dswPassRoleDenied("alice", Instant.parse("2026-11-01T00:53:20.400Z"));
        byte[] bytes = model.serializer().serialize("t", e);
        assertThat(fast.deserializer().deserialize("t", bytes)).isEqualTo(model.deserializer().deserialize("t", bytes)).isEqualTo(e);
        // A time with an offset (another producer) reads as the wire mapper reads it.
        String offset = new String(bytes, StandardCharsets.UTF_8).replace("\"2026-11-01T00:53:20.400Z\"", "\"2026-11-01T08:53:20.400+08:00\"");
        assertThat(offset).contains("+08:00");
        AuditEvent shifted = fast.deserializer().deserialize("t", offset.getBytes(StandardCharsets.UTF_8));
        assertThat(shifted).isEqualTo(Json.wire().readValue(offset, AuditEvent.class));
        assertThat(shifted.eventTime()).isEqualTo(e.eventTime());
        assertThatThrownBy(() -> fast.deserializer().deserialize("t", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class);
        assertThat(fast.deserializer().deserialize("t", null)).isNull();
    }
}
