/**
 * The detector as a Kafka Streams application: {@link io.grantwatch.detector.streams.DetectorTopology}
 * says what it is (a builder returning a Topology), {@link io.grantwatch.detector.streams.DetectorRunner}
 * how it runs, {@link io.grantwatch.detector.streams.DetectorConfig} with which settings, and
 * {@link io.grantwatch.detector.streams.StoredFindings} answers interactive queries.
 */
package io.grantwatch.detector.streams;
