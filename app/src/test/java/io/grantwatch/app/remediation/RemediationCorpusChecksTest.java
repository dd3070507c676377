package io.grantwatch.app.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grantwatch.app.remediation.RemediationCorpusTest.Case;
import io.grantwatch.app.remediation.RemediationCorpusTest.Check;
import io.grantwatch.model.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The corpus checks themselves, on hand-written remediations: each check passes a correct fix and catches the
 * mistake it exists for, so a clean corpus run means the planner is right, not that a check is blind.
 */
class RemediationCorpusChecksTest {
    private static final String PASS_ROLE_DOC =
            "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"ram:PassRole\"],"
                    + "\"Resource\":[\"acs:ram::*:role/pai-dsw-data\"]}]}";
    private static final Case PASS_ROLE = new Case("alibaba/dsw-passrole-denied-ram-user.json", "pai.dsw-role.custom", "ram-user",
            "ram:PassRole", "acs:ram::1617072244338905:role/pai-dsw-data", "user:li.na", false, false);
    private static final Case TRUST_UNKNOWN = new Case("alibaba/dsw-assumerolefailed-trust-unknown.json", "pai.dsw-role.custom",
            "ram-user", "sts:AssumeRole", "acs:ram::1939427730185516:role/dsw-odps-reader", "role:dsw-odps-reader", true, false);
    private static final Case TRUST_KNOWN = new Case("alibaba/dsw-assumerolefailed-trust-known-createrole.json", "pai.dsw-role.custom",
            "ram-user", "sts:AssumeRole", "acs:ram::1617072244338905:role/dsw-feature-store", "role:dsw-feature-store", true, true);
    private static final Case EXPLICIT_DENY = new Case("alibaba/dlc-createjob-explicit-deny-control-policy.json", "pai.dlc", "ram-user",
            "paidlc:CreateJob", "-", "none", false, false);

    @Test
    void shouldPassALeastPrivilegePassRoleFixWhenItTargetsTheUser() throws Exception {
        Map<Check, List<String>> p = evaluate(PASS_ROLE, finding("pai.dsw-role.custom",
                policy("ram-custom-policy", "li.na", PASS_ROLE_DOC),
                List.of("aliyun ram CreatePolicy --PolicyName gw-passrole --PolicyDocument '" + PASS_ROLE_DOC + "'",
                        "aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName gw-passrole --UserName li.na")));
        assertThat(p).isEmpty();
    }

    @Test
    void shouldFlagAWildcardAnUnfilledPlaceholderAndAWrongEntityWhenThePlannerSlips() throws Exception {
        String doc = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"ram:*\"],"
                + "\"Resource\":[\"acs:ram::*:role/${RoleName}\"]}]}";
        Map<Check, List<String>> p = evaluate(PASS_ROLE, finding("pai.dsw-role.custom",
                policy("ram-custom-policy", "PAI-Developer", doc),
                List.of("aliyun ram AttachPolicyToRole --PolicyType Custom --PolicyName gw --RoleName PAI-Developer",
                        "aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName gw --UserName $USER_NAME")));
        assertThat(p).containsKeys(Check.WILDCARD, Check.PLACEHOLDER, Check.ENTITY, Check.ALLOWED, Check.LEAST_PRIVILEGE);
    }

    @Test
    void shouldAcceptAShellVariableWhenAnEarlierCommandAssignsIt() throws Exception {
        Map<Check, List<String>> p = evaluate(PASS_ROLE, finding("pai.dsw-role.custom",
                policy("ram-custom-policy", "li.na", PASS_ROLE_DOC),
                List.of("POLICY_NAME=gw-passrole",
                        "aliyun ram CreatePolicy --PolicyName \"$POLICY_NAME\" --PolicyDocument '" + PASS_ROLE_DOC + "'",
                        "aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName \"$POLICY_NAME\" --UserName li.na")));
        assertThat(p).doesNotContainKey(Check.PLACEHOLDER);
    }

    @Test
    void shouldFlagATrustChangeWhenTheDenialIsAPlainPassRole() throws Exception {
        Map<Check, List<String>> p = evaluate(PASS_ROLE, finding("pai.dsw-role.custom",
                policy("ram-custom-policy", "li.na", PASS_ROLE_DOC),
                List.of("aliyun ram UpdateRole --RoleName pai-dsw-data --NewAssumeRolePolicyDocument '" + trust("\"pai.aliyuncs.com\"", null) + "'",
                        "aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName gw --UserName li.na")));
        assertThat(p).containsOnlyKeys(Check.DESTRUCTIVE);
    }

    @Test
    void shouldFlagALiteralTrustDocumentWhenTheCurrentTrustPolicyIsUnknown() throws Exception {
        String literal = trust("\"pai.aliyuncs.com\"", null);
        Map<Check, List<String>> p = evaluate(TRUST_UNKNOWN, finding("pai.dsw-role.custom",
                policy("ram-trust-policy", "dsw-odps-reader", literal),
                List.of("aliyun ram UpdateRole --RoleName dsw-odps-reader --NewAssumeRolePolicyDocument '" + literal + "'")));
        assertThat(p).containsOnlyKeys(Check.DESTRUCTIVE);
    }

    @Test
    void shouldAcceptAGetRoleMergeWhenTheCurrentTrustPolicyIsUnknown() throws Exception {
        Map<Check, List<String>> p = evaluate(TRUST_UNKNOWN, finding("pai.dsw-role.custom",
                policy("ram-trust-policy", "dsw-odps-reader", trust("\"pai.aliyuncs.com\"", null)),
                List.of("CURRENT=$(aliyun ram GetRole --RoleName dsw-odps-reader | jq -r .Role.AssumeRolePolicyDocument)",
                        "MERGED=$(printf '%s' \"$CURRENT\" | jq -c '.Statement[0].Principal.Service |= ((. // []) + [\"pai.aliyuncs.com\"] | "
                                + "unique)')",
                        "aliyun ram UpdateRole --RoleName dsw-odps-reader --NewAssumeRolePolicyDocument \"$MERGED\"")));
        assertThat(p).isEmpty();
    }

    @Test
    void shouldRunThePrintedMergeWhenTheTrustDocumentIsOnlyBuiltAtRunTime() throws Exception {
        String keep = "aliyun ram GetRole --RoleName dsw-odps-reader | jq -r '.Role.AssumeRolePolicyDocument'"
                + " | jq -c --arg svc pai.aliyuncs.com '.Statement[0].Principal.Service += [$svc]' > trust.json";
        List<String> update = List.of(keep, "aliyun ram UpdateRole --RoleName dsw-odps-reader --NewAssumeRolePolicyDocument \"$(cat trust.json)\"");
        assertThat(evaluate(TRUST_UNKNOWN, finding("pai.dsw-role.custom", null, update))).isEmpty();

        String replace = "aliyun ram GetRole --RoleName dsw-odps-reader | jq -c '.Role.AssumeRolePolicyDocument | fromjson"
                + " | .Statement[0].Principal = {\"Service\":[\"pai.aliyuncs.com\"]}' > trust.json";
        Map<Check, List<String>> p = evaluate(TRUST_UNKNOWN, finding("pai.dsw-role.custom", null,
                List.of(replace, "aliyun ram UpdateRole --RoleName dsw-odps-reader --NewAssumeRolePolicyDocument \"$(cat trust.json)\"")));
        assertThat(p).containsOnlyKeys(Check.ALLOWED);
    }

    @Test
    void shouldFlagADroppedPrincipalWhenTheCurrentTrustPolicyIsKnown() throws Exception {
        String dropped = trust("\"pai.aliyuncs.com\"", null);
        Map<Check, List<String>> p = evaluate(TRUST_KNOWN, finding("pai.dsw-role.custom",
                policy("ram-trust-policy", "dsw-feature-store", dropped),
                List.of("aliyun ram UpdateRole --RoleName dsw-feature-store --NewAssumeRolePolicyDocument '" + dropped + "'")));
        assertThat(p).containsOnlyKeys(Check.DESTRUCTIVE, Check.ALLOWED);

        String merged = trust("\"ecs.aliyuncs.com\",\"pai.aliyuncs.com\"", "\"acs:ram::1617072244338905:root\"");
        p = evaluate(TRUST_KNOWN, finding("pai.dsw-role.custom",
                policy("ram-trust-policy", "dsw-feature-store", merged),
                List.of("aliyun ram UpdateRole --RoleName dsw-feature-store --NewAssumeRolePolicyDocument '" + merged + "'")));
        assertThat(p).isEmpty();
    }

    @Test
    void shouldFlagAnAllowWhenTheDenialIsAnExplicitDeny() throws Exception {
        String doc = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"paidlc:CreateJob\"],\"Resource\":[\"*\"]}]}";
        Map<Check, List<String>> p = evaluate(EXPLICIT_DENY, finding("pai.dlc", policy("ram-custom-policy", "intern.zhou-li", doc),
                List.of("aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName gw --UserName intern.zhou-li")));
        assertThat(p).containsOnlyKeys(Check.ENTITY);
    }

    @Test
    void shouldFlagAnUnnarrowedPolicyWhenTheCaseNamesAResource() throws Exception {
        Case c = new Case("alibaba/dsw-role-oss-listobjects-denied.json", "pai.dsw-role.access", "assumed-role", "oss:ListObjects",
                "acs:oss:*:1617072244338905:ml-corpus-hz", "role:pai-dsw-data", false, false);
        String star = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"oss:ListObjects\"],\"Resource\":[\"*\"]}]}";
        assertThat(evaluate(c, finding("pai.dsw-role.access", policy("ram-custom-policy", "pai-dsw-data", star), List.of())))
                .containsOnlyKeys(Check.ALLOWED);
        String narrow = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"oss:ListObjects\"],"
                + "\"Resource\":[\"acs:oss:*:*:ml-corpus-hz\"]}]}";
        assertThat(evaluate(c, finding("pai.dsw-role.access", policy("ram-custom-policy", "pai-dsw-data", narrow), List.of())))
                .isEmpty();
    }

    @Test
    void shouldFlagACommandTheCliRejectsWhenARequiredParameterIsMissing() throws Exception {
        Map<Check, List<String>> p = evaluate(PASS_ROLE, finding("pai.dsw-role.custom",
                policy("ram-custom-policy", "li.na", PASS_ROLE_DOC),
                List.of("aliyun ram CreatePolicy --PolicyName gw-passrole --PolicyDocument '" + PASS_ROLE_DOC + "'",
                        "aliyun ram AttachPolicyToUser --PolicyName gw-passrole --UserName li.na")));
        assertThat(p).containsOnlyKeys(Check.CLI_GRAMMAR);
    }

    @Test
    void shouldReadTheQuotedDocumentWhenItContainsAnEscapedQuote() {
        assertThat(RemediationCorpusTest.literalArgument("aliyun ram UpdateRole --NewAssumeRolePolicyDocument '{\"a\":\"it'\\''s\"}' --X 1",
                "--NewAssumeRolePolicyDocument")).contains("{\"a\":\"it's\"}");
        assertThat(RemediationCorpusTest.literalArgument("aliyun ram UpdateRole --NewAssumeRolePolicyDocument \"$MERGED\"",
                "--NewAssumeRolePolicyDocument")).isEmpty();
        assertThat(RemediationCorpusTest.probe("acs:oss:*:1:bucket/data/x.csv")).isEqualTo("acs:oss:*:1:grantwatch-unrelated-probe/x");
        assertThat(RemediationCorpusTest.probe("acs:ram::1:role/pai-dsw-data")).isEqualTo("acs:ram::1:role/grantwatch-unrelated-probe");
    }

    private static Map<Check, List<String>> evaluate(Case c, List<JsonNode> findings) throws Exception {
        Path file = RemediationCorpusTest.fixture(c.file());
        return RemediationCorpusTest.evaluate(c, file, findings);
    }

    private static String trust(String services, String ram) {
        return "{\"Version\":\"1\",\"Statement\":[{\"Action\":\"sts:AssumeRole\",\"Effect\":\"Allow\",\"Principal\":{"
                + (ram == null ? "" : "\"RAM\":[" + ram + "],") + "\"Service\":[" + services + "]}}]}";
    }

    private static ObjectNode policy(String kind, String attachTo, String document) throws Exception {
        ObjectNode p = Json.wire().createObjectNode();
        p.put("name", "gw-" + kind);
        p.put("kind", kind);
        p.put("attachTo", attachTo);
        p.set("document", Json.wire().readTree(document));
        return p;
    }

    private static List<JsonNode> finding(String scenario, ObjectNode policy, List<String> commands) {
        ObjectNode f = Json.wire().createObjectNode();
        f.put("id", "test");
        f.put("kind", "MISSING_GRANT");
        f.put("status", "OPEN");
        f.put("scenarioId", scenario);
        ObjectNode r = f.putObject("remediation");
        r.put("findingId", "test");
        r.put("cloud", "alibaba");
        ArrayNode policies = r.putArray("policies");
        if (policy != null) {
            policies.add(policy);
        }
        ArrayNode cmds = r.putArray("cliCommands");
        commands.forEach(cmds::add);
        return List.of(f);
    }
}
