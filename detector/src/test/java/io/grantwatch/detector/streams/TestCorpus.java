package io.grantwatch.detector.streams;

import io.grantwatch.detector.StreamsFixtures;
import io.grantwatch.model.AuditEvent;
import io.grantwatch.model.Outcome;
import io.grantwatch.model.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deterministic mix of 200 principals on PAI and ModelArts, 10% denials and a few IAM changes, for
 * tests that need many realistic events (state size, the broker IT). Throughput is measured in
 * {@code bench/}, not here.
 */
final class TestCorpus {
    private TestCorpus() {
    }

    static List<AuditEvent> corpus(int n) {
        Random r = new Random(42);
        List<AuditEvent> out = new ArrayList<>(n);
        String[][] alibaba = {{"PaiDsw", "ListInstances", null}, {"PaiDsw", "CreateInstance", "paidsw:CreateInstance"},
            {"Eas", "DescribeService", "eas:DescribeService"}, {"Eas", "CreateService", "eas:CreateService"},
            {"Oss", "GetObject", "oss:GetObject"}, {"PaiDlc", "CreateJob", "paidlc:CreateJob"}};
        String[][] huawei = {{"ModelArts", "CreateJobV2", null}, {"ModelArts", "createNotebook", null},
            {"OBS", "getObject", "obs:object:GetObject"}, {"OBS", "putObject", "obs:object:PutObject"},
            {"ModelArts", "CreateDataset", "modelarts:dataset:createDataset"}};
        Instant t = StreamsFixtures.T0;
        for (int i = 0; i < n; i++) {
            t = t.plusMillis(200 + r.nextInt(200));
            boolean hw = r.nextBoolean();
            int who = r.nextInt(100);
            Principal p = hw ? StreamsFixtures.iamUser("u" + who) : StreamsFixtures.ramUser("u" + who);
            String[] call = hw ? huawei[r.nextInt(huawei.length)] : alibaba[r.nextInt(alibaba.length)];
            boolean denied = r.nextInt(10) == 0;
            if (i % 5000 == 4999) {
                out.add(StreamsFixtures.change("root", t, "DetachPolicyFromUser", Map.of("UserName", "u" + who, "PolicyName",
                        "AliyunPAIEASFullAccess", "PolicyType", "System")));
                continue;
            }
            out.add(StreamsFixtures.event(p, t, call[0], call[1], call[2], denied ? Outcome.DENIED : Outcome.ALLOWED,
                    denied ? (hw ? "403" : "NoPermission") : null));
        }
        return out;
    }
}
