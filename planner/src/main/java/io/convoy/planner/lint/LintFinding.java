package io.convoy.planner.lint;

import io.convoy.core.error.ErrorCode;
import io.convoy.core.lint.Severity;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One thing a linter reports on a revision, whatever its severity. Only an {@link Severity#ERROR} finding
 * {@linkplain #blocks() blocks} a target, and only when the request does not approve its rule; every finding is
 * attached to the commands that apply its revision.
 *
 * @param rule       rule id; a request approves a finding by listing it in {@code approvals}
 * @param revision   revision the finding is about
 * @param severity   how bad it is
 * @param code       error code the target is rejected with when a blocking finding is not approved
 * @param message    what was found: the rule's title, where (statement, relation, lock) and why
 * @param statement  zero-based index of the revision's statement concerned; empty for the whole revision
 * @param relation   schema-qualified relation concerned, when there is one
 * @param lockMode   lock mode measured on the relation ({@code AccessExclusiveLock}, ...), when measured
 * @param suggestion the safe rewrite, when there is one
 */
public record LintFinding(String rule, String revision, Severity severity, ErrorCode code, String message,
        OptionalInt statement, Optional<String> relation, Optional<String> lockMode, Optional<String> suggestion) {

    public LintFinding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(lockMode, "lockMode");
        Objects.requireNonNull(suggestion, "suggestion");
    }

    /** An error-level finding with nothing but a message (policy linters, rollback verification). */
    public LintFinding(String rule, String revision, ErrorCode code, String message) {
        this(rule, revision, Severity.ERROR, code, message, OptionalInt.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** True for an error-level finding: it rejects the target unless the request approves its rule. */
    public boolean blocks() {
        return severity == Severity.ERROR;
    }

    /** The message and, when there is one, the safe rewrite: {@code ...; safe rewrite: ...}. */
    public String text() {
        return message + suggestion.map(s -> "; safe rewrite: " + s).orElse("");
    }
}
