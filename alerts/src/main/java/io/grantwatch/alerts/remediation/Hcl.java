package io.grantwatch.alerts.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Terraform (HCL) text: a JSON policy tree as a {@code jsonencode({...})} expression, with string
 * literals escaped so that nothing in them is read as interpolation. A string holding a shell input
 * ({@code "$ROLE_NAME"}) becomes {@code format("...%s...", var.role_name)}.
 */
final class Hcl {
    private static final Pattern INPUT = Pattern.compile("\\$([A-Z][A-Z0-9_]{0,40})");

    private Hcl() {
    }

    static String jsonencode(JsonNode node, Function<String, String> inputs) {
        StringBuilder sb = new StringBuilder("jsonencode(");
        write(node, sb, 1, inputs);
        return sb.append(")").toString();
    }

    private static void write(JsonNode node, StringBuilder sb, int depth, Function<String, String> inputs) {
        String pad = "  ".repeat(depth);
        if (node.isObject()) {
            sb.append("{\n");
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sb.append(pad).append("  ").append(string(e.getKey())).append(" = ");
                write(e.getValue(), sb, depth + 1, inputs);
                sb.append("\n");
            }
            sb.append(pad).append("}");
        } else if (node.isArray()) {
            sb.append("[");
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                write(node.get(i), sb, depth + 1, inputs);
            }
            sb.append("]");
        } else if (node.isTextual()) {
            sb.append(value(node.asText(), inputs));
        } else {
            sb.append(node.toString());
        }
    }

    /** A string value with no inputs in it. */
    static String value(String text) {
        return value(text, n -> "var." + Inputs.tfName(n));
    }

    /** A string value; each shell input in it becomes the expression {@code inputs} gives, through {@code format}. */
    static String value(String text, Function<String, String> inputs) {
        Matcher m = INPUT.matcher(text);
        if (!m.find()) {
            return string(text);
        }
        if (m.start() == 0 && m.end() == text.length()) {
            return inputs.apply(m.group(1));
        }
        // each literal part escaped on its own, joined by format's %s: no placeholder that event text could hold
        StringBuilder literal = new StringBuilder("\"");
        StringBuilder args = new StringBuilder();
        int last = 0;
        m.reset();
        while (m.find()) {
            literal.append(inner(text.substring(last, m.start()).replace("%", "%%"))).append("%s");
            args.append(", ").append(inputs.apply(m.group(1)));
            last = m.end();
        }
        literal.append(inner(text.substring(last).replace("%", "%%"))).append('"');
        return "format(" + literal + args + ")";
    }

    /** A quoted HCL string literal: quotes, backslashes and control characters escaped, {@code ${} and {@code %{} doubled. */
    static String string(String text) {
        return "\"" + inner(text) + "\"";
    }

    /** The inside of {@link #string}. */
    private static String inner(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '$', '%' -> sb.append(i + 1 < text.length() && text.charAt(i + 1) == '{' ? "" + c + c : "" + c);
                default -> {
                    if (!Character.isSurrogate(c) && io.grantwatch.model.text.UnsafeText.unsafe(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** A resource label: letters, digits and underscores, starting with a letter. */
    static String label(String name) {
        String l = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return Character.isLetter(l.isEmpty() ? '0' : l.charAt(0)) ? l : "gw_" + l;
    }
}
