package io.grantwatch.model.catalog;

/**
 * A condition the seed attaches to one grant. A qualified requirement is never inferred as
 * LIKELY or REQUIRED: the detector reports it as POSSIBLE at most, and {@link #ONLY_WHEN_DELETING}
 * only for a denied delete.
 */
public enum Qualifier {
    /** 建议配置 / 推奨: the seed recommends it; nothing breaks without it. */
    RECOMMENDED,
    /** 仅管理员需要: only administrators need it. */
    ADMIN_ONLY,
    /** 删除工作空间时: only when a workspace is deleted (its resources are cleaned up). */
    ONLY_WHEN_DELETING,
    /** 例 / 例如: the seed gives it as an example of a fitting policy, not as the one to grant. */
    EXAMPLE,
    /** 若开通了工作空间功能: only when the workspace feature is enabled. */
    IF_WORKSPACES_ENABLED
}
