package io.convoy.planner.lint;

import io.convoy.core.error.ErrorCode;
import java.util.Objects;

/**
 * One thing a linter objects to.
 *
 * @param rule     rule id; a request approves a finding by listing it in {@code approvals}
 * @param revision revision the finding is about
 * @param code     error code the target is rejected with when the finding is not approved
 * @param message  what is wrong and what to do, for the REJECTED plan event
 */
public record LintFinding(String rule, String revision, ErrorCode code, String message) {
    public LintFinding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
