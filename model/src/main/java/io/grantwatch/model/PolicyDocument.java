package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A complete policy document ready to paste.
 *
 * @param name     suggested policy name
 * @param kind     {@code ram-custom-policy}, {@code ram-trust-policy}, {@code huawei-iam-policy}, {@code huawei-agency-policy}
 * @param attachTo who it is attached to (user, role, group or agency name)
 * @param document the policy JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyDocument(String name, String kind, String attachTo, JsonNode document) {
}
