package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One normalized audit record from ActionTrail (Alibaba) or CTS (Huawei). Secrets are already
 * redacted when an AuditEvent exists: ingest builds it only from a redacted record.
 *
 * @param cloud        alibaba | huawei
 * @param eventId      ActionTrail eventId / CTS trace_id; the idempotence key downstream
 * @param eventTime    when the call happened (UTC)
 * @param principal    who acted
 * @param service      service as the cloud logs it (serviceName / service_type), e.g. {@code PaiDsw}, {@code ModelArts}
 * @param action       API or trace name as logged (eventName / trace_name), e.g. {@code CreateInstance}, {@code CreateJobV2}
 * @param iamAction    the IAM action when known: {@code ram:PassRole} (Alibaba), {@code obs:object:GetObject} (Huawei)
 * @param resource     the resource ARN/URN/name the call touched, when known
 * @param outcome      ALLOWED, DENIED (authorization) or FAILED (anything else)
 * @param explicitDeny true when the record says an explicit Deny (not a missing Allow) caused the denial
 * @param errorCode    the cloud's error code, null on success
 * @param errorMessage the cloud's error message (redacted), null on success
 * @param sourceIp     caller IP, or a service host for system calls
 * @param region       acsRegion / region id
 * @param userAgent    caller user agent
 * @param eventType    ApiCall, ConsoleOperation, ConsoleAction, SystemAction, ...
 * @param parameters   top-level scalar request parameters (redacted), for request hints and IAM-change details
 * @param source       where ingest read it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditEvent(
        Cloud cloud,
        String eventId,
        Instant eventTime,
        Principal principal,
        String service,
        String action,
        String iamAction,
        String resource,
        Outcome outcome,
        boolean explicitDeny,
        String errorCode,
        String errorMessage,
        String sourceIp,
        String region,
        String userAgent,
        String eventType,
        Map<String, String> parameters,
        SourceRef source) {

    public AuditEvent {
        Objects.requireNonNull(cloud, "cloud");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(outcome, "outcome");
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }

    public boolean denied() {
        return outcome == Outcome.DENIED;
    }

    /** The principal's key ({@code cloud:principal-key}): what the detector keeps its state under. */
    public String partitionKey() {
        return cloud.wire() + ":" + principal.key();
    }

    /** The account's key ({@code cloud:account-id}), or null when the record names no account. */
    public String accountKey() {
        String account = principal.accountId();
        return account == null || account.isBlank() ? null : cloud.wire() + ":" + account;
    }

    /**
     * The key events travel under on {@code audit-events}: the account's, so that everything one
     * account does — its people, its role and agency sessions, the IAM changes made in it — stays in
     * order on one partition (a role's denial is explained by what a person of the account started,
     * an IAM change hits another principal of the account). The principal's key when no account is known.
     */
    public String routingKey() {
        String account = accountKey();
        return account != null ? account : partitionKey();
    }
}
