package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * An IAM change that removed or weakened a grant (drift), as read from the audit trail.
 *
 * @param eventId   the change's audit event
 * @param time      when it happened
 * @param action    e.g. {@code DetachPolicyFromUser}, {@code updateAgency}
 * @param actor     who made the change (display form)
 * @param target    the user, role, group or agency affected
 * @param removed   the policy or grant removed, e.g. {@code AliyunPAIEASFullAccess}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IamChange(String eventId, Instant time, String action, String actor, String target, String removed) {
}
