package io.grantwatch.model;

public enum FindingStatus {
    OPEN, RESOLVED
}
