package io.grantwatch.ingest.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.ingest.Fixtures;
import io.grantwatch.model.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every field of realistic records replaced by every JSON type: the parser never throws and every
 * record ends as an event or a rejection (nothing vanishes, nothing stops the file).
 */
class FieldTypeFuzzTest {
    private static final List<String> VALUES = List.of("null", "0", "-1", "1e300", "true", "\"\"", "\"x\"", "[]", "{}",
            "[1,{\"a\":null}]", "{\"a\":{\"b\":[]}}", "\"{\\\"broken\"", "\"2016/13/45 99:99:99 GMT+99:00\"");

    private static List<JsonNode> seeds() throws IOException {
        List<JsonNode> seeds = new ArrayList<>();
        for (String f : List.of("alibaba/classification.json", "alibaba/array-passrole-denied.json")) {
            Json.wire().readTree(Fixtures.path(f).toFile()).forEach(seeds::add);
        }
        for (String f : List.of("huawei/denied-agency-obs-getobject.json", "huawei/denied-explicit-perform-colon.json",
                "real/huawei/otcswiss-trace-ecs-createserver-v3-user.json",
                        "real/huawei/otc-trace-ecs-createsingleserver-stringified-request.json")) {
            seeds.add(Json.wire().readTree(Fixtures.path(f).toFile()));
        }
        return seeds;
    }

    @Test
    void shouldNeverThrowAndAccountForEveryRecordWhenAnyFieldHasAnyType() throws IOException {
        AuditParser parser = new AuditParser();
        int cases = 0;
        for (JsonNode seed : seeds()) {
            List<String[]> paths = new ArrayList<>();
            seed.fieldNames().forEachRemaining(k -> paths.add(new String[] {k}));
            for (String nested : List.of("userIdentity", "user")) {
                JsonNode n = seed.get(nested);
                if (n != null && n.isObject()) {
                    n.fieldNames().forEachRemaining(k -> paths.add(new String[] {nested, k}));
                }
            }
            for (String[] path : paths) {
                for (String v : VALUES) {
                    ObjectNode copy = seed.deepCopy();
                    ObjectNode parent = path.length == 1 ? copy : (ObjectNode) copy.get(path[0]);
                    parent.set(path[path.length - 1], Json.wire().readTree(v));
                    byte[] body = copy.toString().getBytes(StandardCharsets.UTF_8);
                    AuditParser.Result r = parser.parse(body, "mut", Hints.NONE);
                    // one record in, exactly one outcome out: an event, a rejection or a skipped digest, never none and never two
                    assertThat(r.events().size() + r.rejected().size() + r.skipped().size()).as("%s=%s", String.join(".", path), v)
                            .isEqualTo(1);
                    cases++;
                }
            }
        }
        assertThat(cases).isGreaterThan(1000);
    }
}
