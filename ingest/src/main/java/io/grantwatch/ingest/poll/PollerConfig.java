package io.grantwatch.ingest.poll;

import io.grantwatch.ingest.IngestRunner;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Builds the API pollers from plain settings. Credentials come from the environment, under the
 * names the official SDKs use: {@code ALIBABA_CLOUD_ACCESS_KEY_ID} / {@code ALIBABA_CLOUD_ACCESS_KEY_SECRET}
 * and {@code HUAWEICLOUD_SDK_AK} / {@code HUAWEICLOUD_SDK_SK}. They are never logged.
 */
public final class PollerConfig {
    private PollerConfig() {
    }

    /** LookupEvents in one region; {@code endpoint} null = {@code https://actiontrail.<region>.aliyuncs.com}. */
    public static IngestRunner.PollerFactory actionTrail(String region, URI endpoint, Map<String, String> env, Path checkpointDir,
                                                         ApiPoller.Timing timing) {
        String ak = require(env, "ALIBABA_CLOUD_ACCESS_KEY_ID");
        String sk = require(env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET");
        URI uri = endpoint != null ? endpoint : URI.create("https://actiontrail." + region + ".aliyuncs.com");
        Path cp = checkpointDir.resolve("poll-actiontrail-" + safe(region) + ".json");
        return sink -> new ActionTrailPoller(uri, region, ak, sk, sink, cp, timing, Clock.systemUTC());
    }

    /** ListTraces of one project; {@code endpoint} null = {@code https://cts.<region>.myhuaweicloud.com}. */
    public static IngestRunner.PollerFactory cts(String region, String projectId, URI endpoint, Map<String, String> env,
                                                 Path checkpointDir, ApiPoller.Timing timing) {
        String ak = require(env, "HUAWEICLOUD_SDK_AK");
        String sk = require(env, "HUAWEICLOUD_SDK_SK");
        if (projectId == null || projectId.isBlank()) {
            throw new IllegalArgumentException("the CTS poller needs a project id");
        }
        URI uri = endpoint != null ? endpoint : URI.create("https://cts." + region + ".myhuaweicloud.com");
        Path cp = checkpointDir.resolve("poll-cts-" + safe(projectId) + ".json");
        return sink -> new CtsPoller(uri, projectId, "system", ak, sk, sink, cp, timing, Clock.systemUTC());
    }

    private static String require(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("set " + name + " in the environment for this poller");
        }
        return v;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_.-]", "_");
    }
}
