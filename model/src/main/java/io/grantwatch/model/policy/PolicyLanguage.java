package io.grantwatch.model.policy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The policy languages {@link PolicyEvaluator} reads, told apart by the document's {@code "Version"}:
 * {@code "1"} is Alibaba Cloud RAM, {@code "1.1"} Huawei Cloud IAM fine-grained policies, {@code "5.0"}
 * Huawei Cloud IAM identity policies (v5).
 */
public enum PolicyLanguage {
    RAM,
    HUAWEI_IAM_1_1,
    HUAWEI_IAM_V5;

    /**
     * The language of a policy document.
     *
     * @throws IllegalArgumentException if the document is not a JSON object, or its {@code Version} is missing,
     *                                  not a string, or none of {@code "1"}, {@code "1.1"}, {@code "5.0"}
     */
    public static PolicyLanguage detect(JsonNode policy) {
        if (policy == null || !policy.isObject()) {
            throw new IllegalArgumentException("policy document must be a JSON object");
        }
        JsonNode version = policy.get("Version");
        if (version == null || !version.isTextual()) {
            throw new IllegalArgumentException("policy document: Version is missing or not a string");
        }
        return switch (version.asText()) {
            case "1" -> RAM;
            case "1.1" -> HUAWEI_IAM_1_1;
            case "5.0" -> HUAWEI_IAM_V5;
            default -> throw new IllegalArgumentException(
                    "policy document: Version \"" + version.asText() + "\" is not 1, 1.1 or 5.0");
        };
    }
}
