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
        Instant updatedAt) {

    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        missing = missing == null ? List.of() : List.copyOf(missing);
        ranking = ranking == null ? List.of() : List.copyOf(ranking);
    }

    public boolean open() {
        return status == FindingStatus.OPEN;
    }
}
