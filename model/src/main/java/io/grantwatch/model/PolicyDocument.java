package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A complete policy document ready to paste.
 *
 * @param name     suggested policy name
 * @param kind     which policy it is (and which grammar it must pass)
 * @param attachTo who it is attached to (user, role, group or agency name)
 * @param document the policy JSON
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyDocument(String name, PolicyKind kind, String attachTo, JsonNode document) {
}
