package io.grantwatch.model.catalog;

/** The seed's own wording: required, or "may be needed" (必要に応じて / 按需). */
public enum Necessity {
    REQUIRED, MAY_BE_NEEDED
}
