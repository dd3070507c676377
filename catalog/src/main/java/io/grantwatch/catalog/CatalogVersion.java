package io.grantwatch.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.grantwatch.model.catalog.CatalogArea;
import io.grantwatch.model.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The catalog version: {@code <date>.<hash>}, e.g. {@code 2026-11-22.3f9a0c1b2d4e}. The hash is the
 * first 12 hex digits of SHA-256 over the areas' canonical JSON (sorted by id), so formatting,
 * comments and file order do not change it and the same content always gets the same version.
 */
public final class CatalogVersion {
    private CatalogVersion() {
    }

    public static String of(List<CatalogArea> areas, LocalDate date) {
        return date + "." + hash(areas);
    }

    public static String hash(List<CatalogArea> areas) {
        List<CatalogArea> sorted = areas.stream().sorted(Comparator.comparing(CatalogArea::id)).toList();
        try {
            byte[] json = Json.wire().writeValueAsString(sorted).getBytes(StandardCharsets.UTF_8);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("Cannot hash the catalog", e);
        }
    }
}
