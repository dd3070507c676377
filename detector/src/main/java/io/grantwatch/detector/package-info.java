/**
 * The inference core: plain Java over the model records, no Kafka types. The Streams topology
 * ({@link io.grantwatch.detector.streams}) and {@code grantwatch scan} ({@link io.grantwatch.detector.OfflineDetector})
 * drive the same {@link io.grantwatch.detector.DetectionEngine}.
 *
 * <p>Per event: {@link io.grantwatch.detector.DenialMatcher} finds the catalog requirements a
 * denial touches, {@link io.grantwatch.detector.ScenarioRanker} picks the scenario the principal
 * works in, {@link io.grantwatch.detector.GrantInference} lists every grant that scenario still
 * lacks, and the engine de-duplicates, resolves and re-emits findings. IAM changes are read by
 * {@link io.grantwatch.detector.IamChanges} and applied to the principal they affect.
 * {@link io.grantwatch.detector.PrincipalState} is bounded per principal by
 * {@link io.grantwatch.detector.DetectorSettings}.
 */
package io.grantwatch.detector;
