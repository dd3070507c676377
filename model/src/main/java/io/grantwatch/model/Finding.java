package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What GrantWatch tells people: a principal lacks grants for a scenario (or one was removed).
 * Keyed on Kafka by {@link #id}, stable per principal + scenario + grant, so updates compact.
 *
 * @param id             stable id, see {@link FindingIds}
 * @param kind           why it exists
 * @param status         OPEN until a later success (or the change is reverted) resolves it
 * @param cloud          alibaba | huawei
 * @param principal      who is affected
 * @param scenarioId     catalog scenario id (null for unmapped denials)
 * @param scenarioTitle  the scenario's human title
 * @param missing        every grant the scenario still lacks, the denied one first
 * @param confidence     0..1: how sure the scenario pick is
 * @param ranking        scenarios considered, best first, with reasons
 * @param evidence       events behind it
 * @param change         for PREDICTED_BREAKAGE: the IAM change that caused it
 * @param catalogVersion catalog version used
 * @param resolvedAt     when it was resolved
 * @param timeToGrant    first denial to resolving success
 * @param updatedAt      last change of this finding (event time)
 * @param knownDenies    the Deny statements GrantWatch's inventory says the principal holds that match the finding's actions
 *                       (the one that explains an explicit deny first, {@link KnownDeny#matched}); empty when it knows none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(
        String id,
        FindingKind kind,
        FindingStatus status,
        Cloud cloud,
        Principal principal,
        String scenarioId,
        String scenarioTitle,
        List<MissingGrant> missing,
        double confidence,
        List<ScenarioCandidate> ranking,
        Evidence evidence,
        IamChange change,
        String catalogVersion,
        Instant resolvedAt,
        Duration timeToGrant,
        Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<KnownDeny> knownDenies) {

    /** A finding the inventory says nothing about. */
    public Finding(String id, FindingKind kind, FindingStatus status, Cloud cloud, Principal principal, String scenarioId,
                   String scenarioTitle, List<MissingGrant> missing, double confidence, List<ScenarioCandidate> ranking,
                   Evidence evidence, IamChange change, String catalogVersion, Instant resolvedAt, Duration timeToGrant,
                   Instant updatedAt) {
        this(id, kind, status, cloud, principal, scenarioId, scenarioTitle, missing, confidence, ranking, evidence, change,
                catalogVersion, resolvedAt, timeToGrant, updatedAt, List.of());
    }

    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        missing = missing == null ? List.of() : List.copyOf(missing);
        ranking = ranking == null ? List.of() : List.copyOf(ranking);
        knownDenies = knownDenies == null ? List.of() : List.copyOf(knownDenies);
    }

    /** The same finding with what the inventory says blocks it. */
    public Finding withKnownDenies(List<KnownDeny> denies) {
        return new Finding(id, kind, status, cloud, principal, scenarioId, scenarioTitle, missing, confidence, ranking, evidence, change,
                catalogVersion, resolvedAt, timeToGrant, updatedAt, denies);
    }

    public boolean open() {
        return status == FindingStatus.OPEN;
    }
}
