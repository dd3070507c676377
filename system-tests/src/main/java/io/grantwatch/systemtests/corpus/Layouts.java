package io.grantwatch.systemtests.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.Cloud;
import io.grantwatch.model.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a corpus as the clouds deliver it to object storage, gzip files of JSON arrays:
 * <ul>
 *   <li>ActionTrail → OSS: {@code
 * AliyunLogs/Actiontrail/<region>/<YYYY>/<MM>/<DD>/Actiontrail_<region>_<YYYYMMDDHHMMSS>_1002_<count>_<size>_<md5>.gz}
 *   (formats.md §1.5);</li>
 *   <li>CTS → OBS: {@code
 * CloudTraces/<region>/<YYYY>/<M>/<D>/<tracker>/<service>/<prefix>_CloudTrace_<region>_<YYYY-MM-DDTHH-MM-SSZ>_<random>.json.gz}
 *   (formats.md §2.4, no zero padding).</li>
 * </ul>
 * One file per cloud, region (and CTS tracker/service) and delivery cycle of {@code perFile} events.
 */
public final class Layouts {
    private static final DateTimeFormatter ALI = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final DateTimeFormatter CTS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss'Z'");

    private Layouts() {
    }

    /** What was written. */
    public record Written(int files, long uncompressedBytes, long compressedBytes) {
    }

    public static Written write(Path root, List<RawRecord> records, int perFile) throws IOException {
        Map<String, List<RawRecord>> open = new LinkedHashMap<>();
        int[] files = new int[1];
        long[] bytes = new long[2];
        for (RawRecord r : records) {
            JsonNode n = Json.wire().readTree(r.json());
            String group;
            if (r.cloud() == Cloud.ALIBABA) {
                group = "A|" + n.path("acsRegion").asText("cn-hangzhou");
            } else {
                String region = n.path("region").asText("");
                if (region.isEmpty()) {
                    region = "cn-north-4";
                }
                group = "H|" + region + "|" + n.path("tracker_name").asText("system") + "|" + n.path("service_type").asText("ECS");
            }
            List<RawRecord> batch = open.computeIfAbsent(group, k -> new ArrayList<>());
            batch.add(r);
            if (batch.size() >= perFile) {
                flush(root, group, batch, files, bytes);
                batch.clear();
            }
        }
        for (Map.Entry<String, List<RawRecord>> e : open.entrySet()) {
            if (!e.getValue().isEmpty()) {
                flush(root, e.getKey(), e.getValue(), files, bytes);
            }
        }
        return new Written(files[0], bytes[0], bytes[1]);
    }

    private static void flush(Path root, String group, List<RawRecord> batch, int[] files, long[] bytes) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.write('[');
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                json.write(',');
                json.write('\n');
            }
            json.write(batch.get(i).json());
        }
        json.write(']');
        byte[] content = json.toByteArray();
        String[] g = group.split("\\|");
        ZonedDateTime t = Instant.ofEpochMilli(batch.get(batch.size() - 1).timeMillis()).atZone(ZoneOffset.UTC);
        Path file;
        if (g[0].equals("A")) {
            String region = g[1];
            file = root.resolve("AliyunLogs").resolve("Actiontrail").resolve(region)
                    .resolve(String.format("%04d", t.getYear())).resolve(String.format("%02d", t.getMonthValue()))
                    .resolve(String.format("%02d", t.getDayOfMonth()))
                    .resolve("Actiontrail_" + region + "_" + ALI.format(t) + "_1002_" + batch.size() + "_" + content.length + "_"
                            + md5(content) + ".gz");
        } else {
            String region = g[1];
            file = root.resolve("CloudTraces").resolve(region).resolve(Integer.toString(t.getYear()))
                    .resolve(Integer.toString(t.getMonthValue())).resolve(Integer.toString(t.getDayOfMonth())).resolve(g[2]).resolve(g[3])
                    .resolve("gw_CloudTrace_" + region + "_" + CTS.format(t) + "_" + md5(content).substring(0, 8) + ".json.gz");
        }
        Files.createDirectories(file.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file), 65536)) {
            out.write(content);
        }
        files[0]++;
        bytes[0] += content.length;
        bytes[1] += Files.size(file);
    }

    private static String md5(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
