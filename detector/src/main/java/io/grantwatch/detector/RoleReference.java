package io.grantwatch.detector;

import java.time.Instant;

/**
 * A RAM role or a Huawei agency named by a successful create or update request of an ML platform resource: the
 * role a DSW instance, DLC job or EAS service runs under ({@code CredentialConfig}, a role ARN), the agency a
 * ModelArts authorization hands to ModelArts. The role is in use from then on, whether or not it has made a call
 * of its own yet.
 *
 * @param name the role or agency name
 * @param time when the request named it
 * @param who  who made the request (display form)
 * @param api  the request, {@code service/api}
 */
public record RoleReference(String name, Instant time, String who, String api) {
}
