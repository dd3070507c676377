package io.grantwatch.model.catalog;

/** Where a Huawei IAM permission must be granted, when the seed says so. */
public enum IamScope {
    /** 依赖权限需要配置在IAM项目视图中: grant it in the IAM project view (region project), not globally. */
    PROJECT
}
