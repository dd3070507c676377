package io.grantwatch.model;

/** What the cloud did with a call: authorization denials are told apart from every other failure. */
public enum Outcome {
    ALLOWED, DENIED, FAILED
}
