package io.grantwatch.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.app.config.ConfigKeys;
import io.grantwatch.app.config.ConfigLoader;
import io.grantwatch.model.json.Json;
import io.grantwatch.model.redact.Redactor;
import io.grantwatch.model.text.UnsafeText;
import java.util.List;

/** Text of a configuration that is safe to print: secret-looking Kafka settings are masked. */
final class Redaction {
    private Redaction() {
    }

    /**
     * The effective settings as YAML that {@code --config} reads back: one {@code key: value  # source} line per key
     * (dotted keys are valid in the file), values as double-quoted scalars or JSON flow collections. A secret key's
     * literal value is masked (a {@code env:}/{@code file:} reference is shown: it names, it does not hold); list and
     * raw values (alert channels) go through the redactor.
     */
    static String yaml(List<ConfigLoader.Setting> settings) {
        StringBuilder out = new StringBuilder("# GrantWatch effective configuration: each value's source after '#'; secrets masked\n");
        for (ConfigLoader.Setting s : settings) {
            String value;
            boolean collection = ConfigKeys.find(s.key()).map(k -> k.type() == io.grantwatch.app.config.ConfigKey.Type.LIST
                    || k.type() == io.grantwatch.app.config.ConfigKey.Type.RAW).orElse(false);
            if (s.value() instanceof JsonNode node) {
                value = Redactor.tree(node).toString();
            } else if (collection && (s.value() == null || s.value().toString().isEmpty())) {
                value = "[]";
            } else {
                String v = s.value() == null ? "" : s.value().toString();
                boolean reference = v.startsWith("env:") || v.startsWith("file:");
                value = quoted(ConfigKeys.isSecret(s.key()) && !v.isEmpty() && !reference ? Redactor.MASK : Redactor.text(v));
            }
            out.append(s.key()).append(": ").append(value).append("  # ").append(UnsafeText.oneLine(s.source())).append('\n');
        }
        return out.toString();
    }

    private static String quoted(String v) {
        try {
            return Json.wire().writeValueAsString(v); // a JSON string is a YAML double-quoted scalar
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
