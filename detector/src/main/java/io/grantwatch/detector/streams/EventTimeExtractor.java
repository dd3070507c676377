package io.grantwatch.detector.streams;

import io.grantwatch.model.AuditEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/** Streams time is the cloud's event time, so ordering, windows and grace follow when calls happened, not when they arrived. */
public final class EventTimeExtractor implements TimestampExtractor {
    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof AuditEvent e && e.eventTime() != null) {
            return e.eventTime().toEpochMilli();
        }
        return record.timestamp() >= 0 ? record.timestamp() : partitionTime;
    }
}
