package io.convoy.core.lint;

/** How bad a finding is; ordered from least to worst. */
public enum Severity {
    /** Worth knowing; never blocks. */
    INFO,
    /** Risky; reported, {@code convoy lint} exits 3, the planner does not block. */
    WARNING,
    /** Blocks: {@code convoy lint} fails with MIG007 and the planner rejects the request unless approved. */
    ERROR;

    public String lower() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
