package io.grantwatch.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
 * @param excess         for OVER_REACH: what the principal holds beyond the need, per policy; else empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(value = "schemaVersion", allowGetters = true)
@JsonPropertyOrder({"schemaVersion"})
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<KnownDeny> knownDenies,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Excess> excess) {

    /** A finding with no excess (every kind but OVER_REACH). */
    public Finding(String id, FindingKind kind, FindingStatus status, Cloud cloud, Principal principal, String scenarioId,
                   String scenarioTitle, List<MissingGrant> missing, double confidence, List<ScenarioCandidate> ranking,
                   Evidence evidence, IamChange change, String catalogVersion, Instant resolvedAt, Duration timeToGrant,
                   Instant updatedAt, List<KnownDeny> knownDenies) {
        this(id, kind, status, cloud, principal, scenarioId, scenarioTitle, missing, confidence, ranking, evidence, change,
                catalogVersion, resolvedAt, timeToGrant, updatedAt, knownDenies, List.of());
    }

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
        excess = excess == null ? List.of() : List.copyOf(excess);
    }

    /**
     * A new OPEN finding, last changed {@code at}: the rest is set by name on the builder, so the eighteen components are
     * never lined up by position.
     */
    public static Builder newOpen(String id, FindingKind kind, Cloud cloud, Principal principal, Instant at) {
        return new Builder(id, kind, FindingStatus.OPEN, cloud, principal).updatedAt(at);
    }

    /** A builder holding this finding, to change some components and keep the others. */
    public Builder toBuilder() {
        return new Builder(id, kind, status, cloud, principal).scenario(scenarioId, scenarioTitle).missing(missing).confidence(confidence)
                .ranking(ranking).evidence(evidence).change(change).catalogVersion(catalogVersion).resolvedAt(resolvedAt)
                .timeToGrant(timeToGrant).updatedAt(updatedAt).knownDenies(knownDenies).excess(excess);
    }

    /** The same finding with what the inventory says blocks it. */
    public Finding withKnownDenies(List<KnownDeny> denies) {
        return toBuilder().knownDenies(denies).build();
    }

    /** The same finding resolved at {@code at}, {@code timeToGrant} after it began (null: nothing was granted). */
    public Finding resolved(Instant at, Duration timeToGrant) {
        return toBuilder().status(FindingStatus.RESOLVED).resolvedAt(at).timeToGrant(timeToGrant).updatedAt(at).build();
    }

    /** Sets {@link Finding}'s components by name; id and kind are fixed, the rest default to absent (lists empty). */
    public static final class Builder {
        private final String id;
        private final FindingKind kind;
        private FindingStatus status;
        private Cloud cloud;
        private Principal principal;
        private String scenarioId;
        private String scenarioTitle;
        private List<MissingGrant> missing;
        private double confidence;
        private List<ScenarioCandidate> ranking;
        private Evidence evidence;
        private IamChange change;
        private String catalogVersion;
        private Instant resolvedAt;
        private Duration timeToGrant;
        private Instant updatedAt;
        private List<KnownDeny> knownDenies;
        private List<Excess> excess;

        private Builder(String id, FindingKind kind, FindingStatus status, Cloud cloud, Principal principal) {
            this.id = id;
            this.kind = kind;
            this.status = status;
            this.cloud = cloud;
            this.principal = principal;
        }

        public Builder status(FindingStatus value) {
            this.status = value;
            return this;
        }

        public Builder principal(Principal value) {
            this.principal = value;
            return this;
        }

        /** The catalog scenario, id and title together (both null when none is known). */
        public Builder scenario(String scenarioIdValue, String scenarioTitleValue) {
            this.scenarioId = scenarioIdValue;
            this.scenarioTitle = scenarioTitleValue;
            return this;
        }

        public Builder missing(List<MissingGrant> value) {
            this.missing = value;
            return this;
        }

        public Builder confidence(double value) {
            this.confidence = value;
            return this;
        }

        public Builder ranking(List<ScenarioCandidate> value) {
            this.ranking = value;
            return this;
        }

        public Builder evidence(Evidence value) {
            this.evidence = value;
            return this;
        }

        public Builder change(IamChange value) {
            this.change = value;
            return this;
        }

        public Builder catalogVersion(String value) {
            this.catalogVersion = value;
            return this;
        }

        public Builder resolvedAt(Instant value) {
            this.resolvedAt = value;
            return this;
        }

        public Builder timeToGrant(Duration value) {
            this.timeToGrant = value;
            return this;
        }

        public Builder updatedAt(Instant value) {
            this.updatedAt = value;
            return this;
        }

        public Builder knownDenies(List<KnownDeny> value) {
            this.knownDenies = value;
            return this;
        }

        public Builder excess(List<Excess> value) {
            this.excess = value;
            return this;
        }

        public Finding build() {
            return new Finding(id, kind, status, cloud, principal, scenarioId, scenarioTitle, missing, confidence, ranking, evidence, change,
                    catalogVersion, resolvedAt, timeToGrant, updatedAt, knownDenies, excess);
        }
    }

    /**
     * The version of this JSON shape, first in every finding GrantWatch writes (scan, the findings topic, the API, webhooks):
     * 1 until a component changes meaning or is removed (adding one, like {@code excess}, keeps it).
     */
    public static final int SCHEMA_VERSION = 1;

    @JsonProperty("schemaVersion")
    public int schemaVersion() {
        return SCHEMA_VERSION;
    }

    public boolean open() {
        return status == FindingStatus.OPEN;
    }
}
