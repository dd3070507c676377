package io.grantwatch.alerts.channel;

import io.grantwatch.alerts.escape.Escaper;
import io.grantwatch.model.Citation;
import io.grantwatch.model.PolicyDocument;
import io.grantwatch.model.Remediation;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * E-mail over SMTP (Jakarta Mail, Eclipse Angus): multipart/alternative with a plain-text part
 * (plain escaper) and an HTML part (HTML escaper). The subject is sanitized, so CR/LF can never
 * inject a header. The idempotency key travels in {@code X-GrantWatch-Idempotency-Key}.
 */
public final class EmailChannel implements Channel {
    /** SMTP settings; the password is a {@link Secret}. */
    public record Smtp(String host, int port, String username, Secret password, boolean startTls, String from, List<String> to,
            Duration timeout) {
        public Smtp {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(from, "from");
            to = List.copyOf(to);
            if (to.isEmpty()) {
                throw new IllegalArgumentException("e-mail channel needs at least one recipient");
            }
            timeout = timeout == null ? Duration.ofSeconds(20) : timeout;
        }
    }

    private final String name;
    private final Smtp smtp;
    private final RateLimits limits;
    private final Session session;

    public EmailChannel(String name, Smtp smtp, RateLimits limits) {
        this.name = name;
        this.smtp = smtp;
        this.limits = limits == null ? ChannelType.EMAIL.defaultLimits() : limits;
        Properties p = new Properties();
        p.put("mail.smtp.host", smtp.host());
        p.put("mail.smtp.port", Integer.toString(smtp.port()));
        p.put("mail.smtp.auth", Boolean.toString(smtp.username() != null));
        p.put("mail.smtp.starttls.enable", Boolean.toString(smtp.startTls()));
        p.put("mail.smtp.starttls.required", Boolean.toString(smtp.startTls()));
        String ms = Long.toString(smtp.timeout().toMillis());
        p.put("mail.smtp.connectiontimeout", ms);
        p.put("mail.smtp.timeout", ms);
        p.put("mail.smtp.writetimeout", ms);
        this.session = Session.getInstance(p);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChannelType type() {
        return ChannelType.EMAIL;
    }

    @Override
    public RateLimits limits() {
        return limits;
    }

    @Override
    public int maxPayloadBytes() {
        return ChannelType.EMAIL.maxPayloadBytes();
    }

    @Override
    public Outbound prepare(List<Alert> alerts, AlertFormatter.Detail detail, Instant now) {
        List<String> keys = alerts.stream().map(Alert::idempotencyKey).toList();
        String subject = alerts.size() == 1 ? "GrantWatch " + AlertFormatter.title(alerts.get(0), Escaper.PLAIN)
                : "GrantWatch digest: " + alerts.size() + " findings";
        String text = AlertFormatter.render(alerts, AlertFormatter.Dialect.PLAIN, detail);
        String key = keys.size() == 1 ? keys.get(0) : "digest-" + WebhookChannel.sha256(String.join("\n", keys)).substring(0, 32);
        return new Outbound(null, Map.of("X-GrantWatch-Idempotency-Key", key), text.getBytes(StandardCharsets.UTF_8),
                SlackChannel.cut(subject, 200), html(alerts, detail), keys);
    }

    static String html(List<Alert> alerts, AlertFormatter.Detail detail) {
        Escaper e = Escaper.HTML;
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        for (Alert a : alerts) {
            sb.append("<h2>").append(AlertFormatter.title(a, e)).append("</h2>");
            if (detail != AlertFormatter.Detail.MINIMAL) {
                sb.append("<table>");
                for (String[] kv : AlertFormatter.facts(a, e)) {
                    sb.append("<tr><th align=\"left\">").append(kv[0]).append("</th><td>").append(kv[1]).append("</td></tr>");
                }
                sb.append("</table>");
                Remediation r = a.remediation();
                sb.append("<p><b>Fix:</b> ").append(e.escape(r.summary(), 400)).append("</p>");
                if (detail == AlertFormatter.Detail.FULL && alerts.size() == 1) {
                    for (PolicyDocument p : r.policies()) {
                        sb.append("<p>").append(e.escape(p.kind().wire(), 40)).append(" ").append(e.escape(p.name(), 100)).append("</p><pre>")
                                .append(e.escape(AlertFormatter.compact(p), 4000)).append("</pre>");
                    }
                    if (!r.cliCommands().isEmpty()) {
                        sb.append("<pre>");
                        r.cliCommands().forEach(c -> sb.append(e.escape(c, 4000)).append('\n'));
                        sb.append("</pre>");
                    }
                }
                sb.append("<ul>");
                r.steps().forEach(s -> sb.append("<li>").append(e.escape(s, 600)).append("</li>"));
                sb.append("</ul><p>Source: ");
                sb.append(e.escape(String.join("; ", r.citations().stream().map(Citation::toString).toList()), 600)).append("</p>");
            }
            sb.append("<p style=\"color:#888\">ref: ").append(e.escape(a.idempotencyKey(), 120)).append("</p>");
        }
        return sb.append("</body></html>").toString();
    }

    @Override
    public SendResult send(Outbound message) throws InterruptedException {
        try {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress(smtp.from()));
            for (String to : smtp.to()) {
                m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
            }
            m.setSubject(message.subject(), "UTF-8");
            message.headers().forEach((k, v) -> {
                try {
                    m.setHeader(k, v);
                } catch (MessagingException ex) {
                    throw new IllegalStateException(ex);
                }
            });
            MimeMultipart alt = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(message.bodyText(), "UTF-8");
            MimeBodyPart html = new MimeBodyPart();
            html.setContent(message.html(), "text/html; charset=UTF-8");
            alt.addBodyPart(text);
            alt.addBodyPart(html);
            m.setContent(alt);
            if (smtp.username() != null) {
                Transport.send(m, smtp.username(), smtp.password() == null ? "" : smtp.password().reveal());
            } else {
                Transport.send(m);
            }
            return SendResult.accepted(250);
        } catch (AuthenticationFailedException e) {
            return SendResult.permanent(535, "SMTP authentication failed");
        } catch (SendFailedException e) {
            boolean invalid = e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0;
            return invalid ? SendResult.permanent(550, "invalid recipient address")
                    : SendResult.retry(0, null, "SMTP send failed: " + redact(e));
        } catch (MessagingException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during SMTP send");
            }
            return SendResult.retry(0, null, "SMTP: " + redact(e));
        }
    }

    private String redact(Exception e) {
        String msg = String.valueOf(e.getMessage());
        return smtp.password() == null ? msg : smtp.password().redact(msg);
    }

    @Override
    public String toString() {
        return "EMAIL[" + name + "]";
    }

    @Override
    public Outbound prepareSummary(Summary summary, Instant now) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\"><h2>")
                .append(Escaper.HTML.escape(summary.title(), 200)).append("</h2><ul>");
        summary.lines().forEach(l -> html.append("<li>").append(Escaper.HTML.escape(l, 400)).append("</li>"));
        html.append("</ul><p style=\"color:#888\">ref: ").append(Escaper.HTML.escape(summary.key(), 120)).append("</p></body></html>");
        return new Outbound(null, Map.of("X-GrantWatch-Idempotency-Key", summary.key()),
                AlertFormatter.summary(summary, AlertFormatter.Dialect.PLAIN).getBytes(StandardCharsets.UTF_8),
                SlackChannel.cut(Escaper.PLAIN.escape(summary.title(), 200), 200), html.toString(), List.of(summary.key()));
    }
}
