package io.grantwatch.model.catalog;

/** When a grant is needed: once to activate/purchase, or every time the feature is used. */
public enum Phase {
    ACTIVATION, USE
}
