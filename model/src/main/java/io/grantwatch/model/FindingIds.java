package io.grantwatch.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/** Stable finding ids: the same principal, scenario and grant always give the same id. */
public final class FindingIds {
    private FindingIds() {
    }

    public static String of(FindingKind kind, Cloud cloud, Principal principal, String scenarioId, Grant grant) {
        String basis = kind.name() + "|" + cloud.wire() + "|" + principal.key() + "|"
                + (scenarioId == null ? "-" : scenarioId) + "|" + (grant == null ? "-" : grant.key());
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-" + sha256(basis).substring(0, 20);
    }

    static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
