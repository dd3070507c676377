package io.grantwatch.model.catalog;

/** Who must hold a grant. */
public enum Holder {
    /** The Alibaba Cloud account / Huawei account itself (activation, purchases). */
    ACCOUNT,
    /** A RAM user / IAM user. */
    USER,
    /** A RAM role (e.g. the DSW instance role) or its trust policy. */
    ROLE,
    /** A ModelArts agency (委托). */
    AGENCY,
    /** The service-linked role of the platform. */
    SERVICE_LINKED_ROLE
}
