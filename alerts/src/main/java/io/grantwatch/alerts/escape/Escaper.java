package io.grantwatch.alerts.escape;

import java.util.Locale;

/**
 * Escapes untrusted (event-derived) text for one output format. Every escaper first applies
 * {@link Sanitizer#clean}, then the format's own rules:
 * <ul>
 *   <li>{@link #SLACK}: mrkdwn control characters {@code & < >} as HTML entities (Slack's rule),
 *       backticks made harmless so inline code cannot be closed;</li>
 *   <li>{@link #MARKDOWN} (DingTalk, Feishu lark_md, WeCom): {@code & < >} as entities (no
 *       {@code <at user_id="all">}, {@code <@user>}, autolinks or HTML), brackets and backticks
 *       replaced so no link, image or code span can be formed;</li>
 *   <li>{@link #HTML}: {@code & < > " '} as entities;</li>
 *   <li>{@link #PLAIN} (e-mail text, subjects): angle brackets become {@code ‹ ›} so no client
 *       autolinks {@code <https://...>};</li>
 *   <li>{@link #JSON}: sanitized only; the generic webhook's JSON writer escapes
 *       {@code < > & '} as {@code \\uXXXX}.</li>
 * </ul>
 */
public interface Escaper {
    Escaper SLACK = text -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('`', '\u02CB');
    Escaper MARKDOWN = text -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('[', '\uFF3B').replace(']', '\uFF3D').replace('`', '\u02CB').replace('|', '\u00A6');
    Escaper HTML = text -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\"", "&quot;").replace("'", "&#39;");
    Escaper PLAIN = text -> text.replace('<', '\u2039').replace('>', '\u203A');
    Escaper JSON = text -> text;

    /** The format rules alone, on already sanitized text. */
    String format(String sanitized);

    /** Sanitize, cap at {@link Sanitizer#DEFAULT_MAX} code points, escape. */
    default String escape(String untrusted) {
        return escape(untrusted, Sanitizer.DEFAULT_MAX);
    }

    default String escape(String untrusted, int maxCodePoints) {
        return format(Sanitizer.clean(untrusted, maxCodePoints));
    }

    /** The escaper for a channel type name: slack, dingtalk, feishu, wecom, email, html, webhook. */
    static Escaper forChannel(String type) {
        return switch (type.toLowerCase(Locale.ROOT)) {
            case "slack" -> SLACK;
            case "dingtalk", "feishu", "lark", "wecom", "markdown" -> MARKDOWN;
            case "html" -> HTML;
            case "email", "plain" -> PLAIN;
            case "webhook", "json", "topic" -> JSON;
            default -> throw new IllegalArgumentException("no escaper for channel type " + type);
        };
    }
}
