package io.grantwatch.alerts.remediation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grantwatch.model.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliGrammarTest {
    private static final String TRUST_FILTER = "def arr: if . == null then [] elif type == \"array\" then . else [.] end;"
            + " .Statement |= (arr | map(if (.Effect == \"Allow\") and ((.Action | arr) | any(. == \"sts:AssumeRole\"))"
            + " then .Principal.Service = ((.Principal.Service | arr) | if any(. == $svc) then . else . + [$svc] end)"
            + " else . end))";

    private static JsonNode parse(String json) throws Exception {
        return Json.strict().readTree(json);
    }

    private static final String ROLE_BODY = """
            {"display_name":"grantwatch-obs-read","type":"AX","description":"GrantWatch least privilege",
             "policy":{"Version":"1.1","Statement":[{"Effect":"Allow","Action":["obs:object:GetObject","obs:bucket:ListBucket"],
               "Resource":["OBS:*:*:bucket:training-data","OBS:*:*:object:training-data/*"]}]}}""";

    // ------------------------------------------------------------ the reviewer's broken examples

    @Test
    void shouldRefuseAnEmptyIdWhetherAParameterOrAJsonInputCarriesIt() throws Exception {
        assertThat(CliGrammar.check("hcloud IAM AttachAgencyPolicyV5 --policy_id=\"\" --cli-jsonInput=a.json"))
                .anySatisfy(x -> assertThat(x).contains("--policy_id has an empty value"));
        assertThat(CliGrammar.check("aliyun ram AttachPolicyToRole --PolicyType Custom --PolicyName p --RoleName ''"))
                .anySatisfy(x -> assertThat(x).contains("--RoleName has an empty value"));
        assertThat(CliGrammar.checkHcloudJsonInput("AttachAgencyPolicyV5", parse("{\"body\":{\"agency_id\":\"\"}}"))).isNotEmpty();
    }

    @Test
    void shouldRejectCreateCloudRoleWhenOperationIsNotAnIamOperation() {
        List<String> v = CliGrammar.check(
                "hcloud IAM CreateCloudRole --cli-region=\"cn-north-4\" --cli-jsonInput=IAM_CreateCloudRole.json");
        assertThat(v).anySatisfy(s -> assertThat(s).contains("CreateCloudRole", "unknown operation",
                "CreateCloudServiceCustomPolicy"));
    }

    @Test
    void shouldRejectRoleOnlyJsonInputWhenTopLevelKeyIsNotARequestLocation() throws Exception {
        List<String> v = CliGrammar.checkHcloudJsonInput("CreateCloudServiceCustomPolicy", parse("{\"role\":" + ROLE_BODY + "}"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("top-level key 'role' is ignored"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("no top-level key KooCLI reads"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("needs \"body\""));
    }

    @Test
    void shouldRejectBarePlaceholdersWhenIdsAreNotLookedUp() {
        List<String> v = CliGrammar.check("hcloud IAM KeystoneAssociateGroupWithProjectPermission --cli-region=\"cn-north-4\""
                + " --project_id=${ProjectId} --group_id=${GroupId} --role_id=0ab1c2");
        assertThat(v).anySatisfy(s -> assertThat(s).contains("${GroupId}"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("${ProjectId}"));
        assertThat(CliGrammar.check("hcloud IAM AssociateAgencyWithDomainPermission --domain_id=d1 --agency_id=\"${AgencyId}\""
                + " --role_id=r1")).anySatisfy(s -> assertThat(s).contains("${AgencyId}"));
    }

    @Test
    void shouldRejectPlaceholderWhenInsideSingleQuotedJson() {
        assertThat(CliGrammar.check("aliyun ram CreatePolicy --PolicyName p --PolicyDocument "
                + "'{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"oss:GetObject\","
                        + "\"Resource\":\"acs:oss:*:*:${Bucket}/*\"}]}'"))
                .anySatisfy(s -> assertThat(s).contains("${Bucket}"));
    }

    // ------------------------------------------------------------ correct hcloud templates

    @Test
    void shouldAcceptBodyWrappedRoleWhenCreatingCustomPolicy() throws Exception {
        assertThat(CliGrammar.checkHcloudJsonInput("CreateCloudServiceCustomPolicy",
                parse("{\"body\":{\"role\":" + ROLE_BODY + "}}"))).isEmpty();
        assertThat(CliGrammar.checkHcloudJsonInput("CreateAgencyCustomPolicy", parse("""
                {"body":{"role":{"display_name":"gw-assume","type":"AX","description":"d","policy":{"Version":"1.1",
                 "Statement":[{"Effect":"Allow","Action":["iam:agencies:assume"],
                 "Resource":{"uri":["/iam/agencies/07805acaba80"]}}]}}}}"""))).isEmpty();
    }

    @Test
    void shouldRejectPolicyStringWhenRoleBodyNeedsAnObject() throws Exception {
        List<String> v = CliGrammar.checkHcloudJsonInput("CreateCloudServiceCustomPolicy", parse("""
                {"body":{"role":{"display_name":"x","type":"ZZ","description":"d","policy":"{\\"Version\\":\\"1.1\\"}"}}}"""));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("policy must be a JSON object, not a string"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("\"AX\""));
    }

    @Test
    void shouldRejectMalformedStatementWhenRoleBodyIsChecked() throws Exception {
        List<String> v = CliGrammar.checkHcloudJsonInput("CreateCloudServiceCustomPolicy", parse("""
                {"body":{"role":{"display_name":"x","type":"XA","description":"d","name":"n",
                 "policy":{"Version":"1.1","Statement":[{"Effect":"Permit","Action":"obs:object:GetObject"}]}}}}"""));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("unknown key 'name'"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("Effect must be"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("Action must be a non-empty array"));
    }

    @Test
    void shouldCheckPathSectionWhenJsonInputCarriesPathParameters() throws Exception {
        assertThat(CliGrammar.checkHcloudJsonInput("KeystoneUpdateMapping", parse("""
                {"path":{"id":"ACME_mapping"},"body":{"mapping":{"rules":[{"local":[{"user":{"name":"{0}"}},
                 {"group":{"name":"readonly-devs"}}],"remote":[{"type":"UserName"},{"type":"Department","any_one_of":["ml"]}]}]}}}""")))
                .isEmpty();
        List<String> v = CliGrammar.checkHcloudJsonInput("KeystoneUpdateMapping", parse("""
                {"path":{"mapping_id":"ACME_mapping"},"body":{"mapping":{"rules":[{"local":[],"remote":[{"type":"UserName"}]}]}}}"""));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("'mapping_id' is not a path parameter"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("\"path\" lacks 'id'"));
        assertThat(v).anySatisfy(s -> assertThat(s).contains("local must be a non-empty array"));
    }

    @Test
    void shouldRejectBodyWhenOperationTakesNone() throws Exception {
        assertThat(CliGrammar.checkHcloudJsonInput("KeystoneListGroups", parse("{\"query\":{\"name\":\"devs\"},\"body\":{}}")))
                .containsExactly("KeystoneListGroups takes no request body");
        assertThat(CliGrammar.checkHcloudJsonInput("CreateCloudRole", parse("{}")))
                .containsExactly("unknown operation 'hcloud IAM CreateCloudRole'");
    }

    @Test
    void shouldRequirePolicyDocumentStringWhenCreatingV5Policy() throws Exception {
        assertThat(CliGrammar.checkHcloudJsonInput("CreatePolicyV5", parse("""
                {"body":{"policy_name":"gw","policy_document":"{\\"Version\\":\\"5.0\\",\\"Statement\\":[]}"}}"""))).isEmpty();
        assertThat(CliGrammar.checkHcloudJsonInput("CreatePolicyV5", parse("""
                {"body":{"policy_name":"gw","policy_document":{"Version":"5.0"}}}""")))
                .anySatisfy(s -> assertThat(s).contains("policy_document must be the policy as a JSON string"));
        assertThat(CliGrammar.checkHcloudJsonInput("AttachUserPolicyV5", parse("""
                {"path":{"policy_id":"p1"},"body":{"user_id":"u1"}}"""))).isEmpty();
    }

    @Test
    void shouldAcceptVerifiedHcloudTemplatesWhenRunAsAScript() {
        List<String> script = List.of(
                "# look up ids first",
                "DOMAIN_ID=$(hcloud IAM KeystoneListAuthDomains --cli-region=\"cn-north-4\" --cli-query=\"domains[0].id\" --cli-output=tsv)",
                "USER_ID=$(hcloud IAM KeystoneListUsers --cli-region=\"cn-north-4\" --name=\"alice\" --cli-query=\"users[0].id\" --cli-output=tsv)",
                "GROUP_ID=$(hcloud IAM KeystoneListGroups --cli-region=\"cn-north-4\" --name=\"devs\" --cli-query=\"groups[0].id\" --cli-output=tsv)",
                "AGENCY_ID=$(hcloud IAM ListAgencies --cli-region=\"cn-north-4\" --domain_id=\"$DOMAIN_ID\" --name=\"modelarts_agency\""
                        + " --cli-query=\"agencies[0].id\" --cli-output=tsv)",
                "PROJECT_ID=$(hcloud IAM KeystoneListProjects --cli-region=\"cn-north-4\" --name=\"cn-north-4\" --cli-query=\"projects[0].id\" "
                        + "--cli-output=tsv)",
                "ROLE_ID=$(hcloud IAM KeystoneListPermissions --cli-region=\"cn-north-4\" --display_name=\"OBS ReadOnlyAccess\""
                        + " --cli-query=\"roles[0].id\" --cli-output=tsv)",
                "hcloud IAM KeystoneListGroupsForUser --cli-region=\"cn-north-4\" --user_id=\"$USER_ID\"",
                "POLICY_ID=$(hcloud IAM CreateCloudServiceCustomPolicy --cli-region=\"cn-north-4\""
                        + " --cli-jsonInput=IAM_CreateCloudServiceCustomPolicy.json --cli-query=\"role.id\" --cli-output=tsv)",
                "hcloud IAM KeystoneAssociateGroupWithDomainPermission --cli-region=\"cn-north-4\" --domain_id=\"$DOMAIN_ID\""
                        + " --group_id=\"$GROUP_ID\" --role_id=\"$POLICY_ID\"",
                "hcloud IAM KeystoneAssociateGroupWithProjectPermission --cli-region=\"cn-north-4\" --project_id=\"$PROJECT_ID\""
                        + " --group_id=\"$GROUP_ID\" --role_id=\"$ROLE_ID\"",
                "hcloud IAM AssociateAgencyWithDomainPermission --cli-region=\"cn-north-4\" --domain_id=\"$DOMAIN_ID\""
                        + " --agency_id=\"$AGENCY_ID\" --role_id=\"$POLICY_ID\"",
                "hcloud IAM AssociateAgencyWithProjectPermission --cli-region=cn-north-4 --project_id=$PROJECT_ID"
                        + " --agency_id=$AGENCY_ID --role_id=$ROLE_ID",
                "hcloud IAM KeystoneAddUserToGroup --cli-region=\"cn-north-4\" --group_id=\"$GROUP_ID\" --user_id=\"$USER_ID\"",
                "hcloud IAM KeystoneShowMapping --cli-region=\"cn-north-4\" --id=\"ACME_mapping\" --cli-query=\"mapping.rules\" --cli-output=json",
                "hcloud IAM KeystoneUpdateMapping --cli-region=\"cn-north-4\" --cli-jsonInput=IAM_KeystoneUpdateMapping.json");
        assertThat(CliGrammar.checkScript(script)).isEmpty();
    }

    @Test
    void shouldReportUnassignedVariableWhenScriptNeverLooksItUp() {
        List<String> v = CliGrammar.checkScript(List.of(
                "GROUP_ID=$(hcloud IAM KeystoneListGroups --name=\"devs\" --cli-query=\"groups[0].id\" --cli-output=tsv)",
                "hcloud IAM KeystoneAssociateGroupWithProjectPermission --project_id=\"$PROJECT_ID\" --group_id=\"$GROUP_ID\" --role_id=r1"));
        assertThat(v).containsExactly("line 2: $PROJECT_ID is used before any line assigns it");
    }

    @Test
    void shouldCheckInnerCommandWhenAssignmentUsesCommandSubstitution() {
        assertThat(CliGrammar.check("GROUP_ID=$(hcloud IAM KeystoneListGroup --name=devs --cli-output=tsv)"))
                .anySatisfy(s -> assertThat(s).contains("hcloud IAM KeystoneListGroup: unknown operation"));
        assertThat(CliGrammar.check("GROUP_ID=$(hcloud IAM KeystoneListGroups --group_name=devs)"))
                .anySatisfy(s -> assertThat(s).contains("unknown parameter --group_name"));
    }

    @Test
    void shouldRejectSpaceSeparatedValueWhenKooCliExpectsEquals() {
        assertThat(CliGrammar.check("hcloud IAM KeystoneListGroups --name devs"))
                .anySatisfy(s -> assertThat(s).contains("--name has no value"))
                .anySatisfy(s -> assertThat(s).contains("unexpected argument 'devs'"));
    }

    @Test
    void shouldRequireJsonInputWhenOperationNeedsBody() {
        assertThat(CliGrammar.check("hcloud IAM CreateCloudServiceCustomPolicy --cli-region=cn-north-4 --display_name=x"))
                .anySatisfy(s -> assertThat(s).contains("needs --cli-jsonInput"))
                .anySatisfy(s -> assertThat(s).contains("unknown parameter --display_name"));
        assertThat(CliGrammar.check("hcloud IAM CreateCloudServiceCustomPolicy --cli-jsonInput=policy.txt"))
                .containsExactly("hcloud IAM CreateCloudServiceCustomPolicy: the --cli-jsonInput file name must end in .json");
    }

    @Test
    void shouldRejectMissingPathParameterWhenAssociatingGroup() {
        assertThat(CliGrammar.check("hcloud IAM KeystoneAssociateGroupWithDomainPermission --group_id=g1 --role_id=r1"))
                .containsExactly("hcloud IAM KeystoneAssociateGroupWithDomainPermission: missing required parameter --domain_id");
        assertThat(CliGrammar.check("hcloud IAM ListAgencies --name=modelarts_agency"))
                .containsExactly("hcloud IAM ListAgencies: missing required parameter --domain_id");
    }

    @Test
    void shouldRejectUnknownSystemParameterAndOutputWhenKooCliDoesNotDocumentThem() {
        assertThat(CliGrammar.check("hcloud IAM KeystoneListGroups --cli-region=cn-north-4 --cli-output=yaml --cli-format=json"))
                .anySatisfy(s -> assertThat(s).contains("--cli-output must be one of json, table, tsv"))
                .anySatisfy(s -> assertThat(s).contains("unknown KooCLI system parameter --cli-format"));
        assertThat(CliGrammar.check("hcloud IAM KeystoneListGroups --cli-secret-key=abc"))
                .anySatisfy(s -> assertThat(s).contains("credential"));
        assertThat(CliGrammar.check("hcloud ECS NovaListServers --cli-region=cn-north-4"))
                .anySatisfy(s -> assertThat(s).contains("unknown service 'ECS'"));
    }

    // ------------------------------------------------------------ aliyun

    @Test
    void shouldAcceptVerifiedAliyunTemplatesWhenParametersMatchMetadata() {
        List<String> lines = List.of(
                "aliyun ram CreatePolicy --PolicyName grantwatch-pai-oss --Description 'GrantWatch least privilege' --PolicyDocument "
                        + "'{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"oss:GetObject\",\"oss:ListObjects\"],"
                        + "\"Resource\":[\"acs:oss:*:*:training-data\",\"acs:oss:*:*:training-data/*\"]}]}'",
                "aliyun ram CreatePolicyVersion --PolicyName grantwatch-pai-oss --SetAsDefault true"
                        + " --RotateStrategy DeleteOldestNonDefaultVersionWhenLimitExceeded --PolicyDocument \"$(cat policy.json)\"",
                "aliyun ram AttachPolicyToUser --PolicyType Custom --PolicyName grantwatch-pai-oss --UserName alice",
                "aliyun ram AttachPolicyToRole --PolicyType System --PolicyName AliyunOSSReadOnlyAccess --RoleName DswOssRole",
                "aliyun ram AttachPolicyToGroup --PolicyType Custom --PolicyName grantwatch-pai-oss --GroupName data-team",
                "aliyun ram ListPoliciesForUser --UserName alice",
                "aliyun ram ListPoliciesForRole --RoleName DswOssRole",
                "aliyun ram ListPoliciesForGroup --GroupName data-team",
                "aliyun ram ListGroupsForUser --UserName alice",
                "aliyun ram GetPolicy --PolicyName AliyunOSSReadOnlyAccess --PolicyType System",
                "aliyun ram GetPolicyVersion --PolicyName grantwatch-pai-oss --PolicyType Custom --VersionId v1",
                "aliyun ram GetUser --UserName alice",
                "aliyun ram DecodeDiagnosticMessage --EncodedDiagnosticMessage 'AQEAAAAAZ'",
                "aliyun sts GetCallerIdentity",
                "aliyun ram GetRole --RoleName DswOssRole > role.json",
                "aliyun ram UpdateRole --RoleName \"$ROLE\" --NewAssumeRolePolicyDocument \"$(cat trust-policy.json)\"",
                "aliyun aiworkspace POST /api/v1/workspaces/145883/members --region cn-hangzhou"
                        + " --body '{\"Members\":[{\"UserId\":\"21513926xxxx88039\",\"Roles\":[\"PAI.AlgoDeveloper\"]}]}'",
                "aliyun aiworkspace POST /api/v1/workspaces/145883/members/145883-21513926xxxx88039/roles/PAI.AlgoDeveloper --region cn-hangzhou",
                "aliyun aiworkspace GET /api/v1/workspaces/$WS/members --region=cn-hangzhou",
                "aliyun aiworkspace CreateMember --WorkspaceId 145883 --body \"$(cat members.json)\"");
        for (String line : lines) {
            assertThat(CliGrammar.check(line)).as(line).isEmpty();
        }
    }

    @Test
    void shouldAcceptTrustPolicyPipelineWhenJqFilterIsSingleQuoted() {
        String pipeline = "aliyun ram GetRole --RoleName \"$ROLE\" | jq -r '.Role.AssumeRolePolicyDocument'"
                + " | jq -c --arg svc \"$SVC\" '" + TRUST_FILTER + "' > trust-policy.json";
        assertThat(CliGrammar.check(pipeline)).isEmpty();
        assertThat(CliGrammar.checkScript(List.of("ROLE=DswOssRole", "SVC=pai.aliyuncs.com", pipeline,
                "aliyun ram UpdateRole --RoleName \"$ROLE\" --NewAssumeRolePolicyDocument \"$(cat trust-policy.json)\""))).isEmpty();
    }

    @Test
    void shouldSuggestExactNameWhenParameterCaseDiffers() {
        assertThat(CliGrammar.check("aliyun ram ListPoliciesForUser --username alice"))
                .anySatisfy(s -> assertThat(s).contains("unknown parameter --username", "did you mean --UserName?"))
                .anySatisfy(s -> assertThat(s).contains("missing required parameter --UserName"));
    }

    @Test
    void shouldRejectRootUserNameWhenFindingIsAboutTheAccountItself() {
        assertThat(CliGrammar.check("aliyun ram ListPoliciesForUser --UserName root"))
                .anySatisfy(s -> assertThat(s).contains("not a RAM user", "GetCallerIdentity"));
    }

    @Test
    void shouldRejectMissingRequiredParameterWhenAttachLacksPolicyType() {
        assertThat(CliGrammar.check("aliyun ram AttachPolicyToRole --PolicyName AliyunOSSReadOnlyAccess --RoleName R"))
                .containsExactly("aliyun ram AttachPolicyToRole: missing required parameter --PolicyType");
    }

    @Test
    void shouldRejectUnknownProductOrOperationWhenNotInTables() {
        assertThat(CliGrammar.check("aliyun ims GetUser --UserPrincipalName a@b"))
                .anySatisfy(s -> assertThat(s).contains("unknown product 'ims'"));
        assertThat(CliGrammar.check("aliyun sts DecodeDiagnosticMessage --EncodedDiagnosticMessage x"))
                .containsExactly("aliyun sts: unknown operation 'DecodeDiagnosticMessage'");
        assertThat(CliGrammar.check("aliyun ram CreateRoleFromPolicy --RoleName x"))
                .anySatisfy(s -> assertThat(s).contains("unknown operation 'CreateRoleFromPolicy'"));
    }

    @Test
    void shouldRejectInvalidJsonWhenPolicyDocumentIsLiteral() {
        assertThat(CliGrammar.check("aliyun ram CreatePolicy --PolicyName p --PolicyDocument '{\"Version\":\"1\",'"))
                .containsExactly("aliyun ram CreatePolicy: --PolicyDocument is not valid JSON");
    }

    @Test
    void shouldRejectUnfilledPathWhenRoaPatternIsPrintedVerbatim() {
        assertThat(CliGrammar.check("aliyun aiworkspace POST /api/v1/workspaces/[WorkspaceId]/members --body '{\"Members\":[]}'"))
                .anySatisfy(s -> assertThat(s).contains("path parameter WorkspaceId is unfilled"));
        assertThat(CliGrammar.check("aliyun aiworkspace POST /api/v1/workspaces/145883/members"))
                .containsExactly("aliyun aiworkspace CreateMember: missing required parameter --body");
        assertThat(CliGrammar.check("aliyun aiworkspace PUT /api/v1/workspaces/145883/members"))
                .anySatisfy(s -> assertThat(s).contains("no operation matches PUT"));
    }

    @Test
    void shouldRejectForceAndCredentialsWhenPrintedForAnAdministrator() {
        assertThat(CliGrammar.check("aliyun ram GetUser --UserName alice --force"))
                .anySatisfy(s -> assertThat(s).contains("--force"));
        assertThat(CliGrammar.check("aliyun ram GetUser --UserName alice --access-key-secret abc"))
                .anySatisfy(s -> assertThat(s).contains("credential"));
        assertThat(CliGrammar.check("aliyun ram GetUser --UserName <UserName>"))
                .anySatisfy(s -> assertThat(s).contains("input redirection"));
        assertThat(CliGrammar.check("aliyun ram GetUser --UserName '<UserName>'"))
                .containsExactly("aliyun ram GetUser: --UserName is an unfilled placeholder <UserName>");
    }

    // ------------------------------------------------------------ shell handling

    @Test
    void shouldIgnoreCommentsWhenLineStartsWithHash() {
        assertThat(CliGrammar.check("# hcloud IAM CreateCloudRole --x=${Y}")).isEmpty();
        assertThat(CliGrammar.check("   # aliyun ram Nope")).isEmpty();
        assertThat(CliGrammar.check("aliyun ram GetUser --UserName alice # trailing ${comment}"))
                .containsExactly("unfilled placeholder ${comment}: print a value or a shell variable assigned on an earlier line");
    }

    @Test
    void shouldReportUnbalancedQuoteWhenLineCannotBeParsed() {
        assertThat(CliGrammar.check("aliyun ram GetUser --UserName 'alice")).containsExactly("unterminated single quote");
        assertThat(CliGrammar.check("X=$(hcloud IAM KeystoneListGroups --name=devs")).containsExactly("unterminated $(");
    }

    @Test
    void shouldSplitWordsWithPosixQuotingWhenTokenizing() {
        List<CliGrammar.Token> t = CliGrammar.tokenize("a 'b c'\"d $X\" e\\ f | g");
        assertThat(t).extracting(CliGrammar.Token::text).containsExactly("a", "b cd $X", "e f", "|", "g");
        assertThat(t.get(1).vars()).containsExactly("X");
        assertThat(CliGrammar.tokenize("x '$Y'").get(1).vars()).isEmpty();
    }

    @Test
    void shouldCiteAnHttpsSourceWhenTableRowIsLoaded() {
        assertThat(CliGrammar.aliyunOperations()).contains("ram CreatePolicy", "ram DecodeDiagnosticMessage",
                "sts GetCallerIdentity", "aiworkspace CreateMember", "aiworkspace AddMemberRole");
        assertThat(CliGrammar.hcloudOperations()).contains("IAM CreateCloudServiceCustomPolicy", "IAM CreateAgencyCustomPolicy",
                "IAM KeystoneUpdateMapping", "IAM CreatePolicyV5").doesNotContain("IAM CreateCloudRole");
        for (String k : CliGrammar.aliyunOperations()) {
            String[] p = k.split(" ");
            assertThat(CliGrammar.source("aliyun", p[0], p[1])).as(k).startsWith("https://github.com/aliyun/aliyun-openapi-meta/");
        }
        for (String k : CliGrammar.hcloudOperations()) {
            String[] p = k.split(" ");
            assertThat(CliGrammar.source("hcloud", p[0], p[1])).as(k).startsWith("https://github.com/huaweicloud/huaweicloud-sdk-go-v3/");
        }
    }
}
