package io.grantwatch.model.catalog;

/** A mistake in a seed document, recorded so nobody copies it: the section says X, it means Y. */
public record Erratum(String seed, String section, String says, String means, String note) {
}
