package io.grantwatch.systemtests.corpus;

import io.grantwatch.model.Cloud;

/**
 * One generated audit record as the cloud writes it (raw ActionTrail event or CTS trace JSON).
 *
 * @param seq       position in the corpus (event-time order: times strictly increase with seq)
 * @param cloud     which cloud's shape
 * @param key       the Kafka key ingest gives it: the acting principal ({@code cloud:principal key})
 * @param eventId   eventId / trace_id
 * @param timeMillis event time, epoch millis
 * @param json      the raw JSON bytes (UTF-8, one line)
 */
public record RawRecord(long seq, Cloud cloud, String key, String eventId, long timeMillis, byte[] json) {
}
