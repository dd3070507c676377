package io.grantwatch.model;

/**
 * Who acted, normalized across clouds. Alibaba: root-account, ram-user, assumed-role, system.
 * Huawei: User, AssumedAgency, ExternalUser, the op_service form. Unknown values map to OTHER.
 */
public enum PrincipalType {
    ROOT_ACCOUNT, USER, ASSUMED_ROLE, ASSUMED_AGENCY, FEDERATED, SERVICE, OTHER
}
