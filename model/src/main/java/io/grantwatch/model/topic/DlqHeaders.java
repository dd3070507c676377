package io.grantwatch.model.topic;

/**
 * Header names on dead-letter records. The same names as Kafka Streams' built-in DLQ (KIP-1034),
 * so one tool reads the DLQ of every module; plain-client modules add the source.
 */
public final class DlqHeaders {
    public static final String EXCEPTION_CLASS = "__streams.errors.exception";
    public static final String EXCEPTION_MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    /** Why the record was rejected, readable by a person. */
    public static final String REASON = "grantwatch.reason";
    /** Where it came from: file#position, request id or API page. */
    public static final String SOURCE = "grantwatch.source";

    private DlqHeaders() {
    }
}
