package io.convoy.core.lint;

import java.util.Objects;
import java.util.Optional;

/**
 * One lint finding.
 *
 * @param rule      the rule (its id is what a request approves)
 * @param severity  the rule's severity
 * @param revision  the revision id
 * @param statement 1-based index of the upgrade statement; 0 for a finding about the whole revision
 * @param sql       the statement's text (empty for a whole-revision finding)
 * @param relation  schema-qualified relation, when there is one
 * @param lockMode  lock mode the statement's backend held on it ({@code AccessExclusiveLock}, ...), when measured
 * @param why       what was seen
 * @param fix       the safe rewrite
 */
public record Finding(Rule rule, Severity severity, String revision, int statement, String sql,
        Optional<String> relation, Optional<String> lockMode, String why, String fix) {

    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(relation, "relation");
        Objects.requireNonNull(lockMode, "lockMode");
        Objects.requireNonNull(why, "why");
        Objects.requireNonNull(fix, "fix");
    }

    static Finding of(Rule rule, String revision, int statement, String sql, String relation, String lockMode, String why) {
        return new Finding(rule, rule.severity(), revision, statement, sql, Optional.ofNullable(relation),
                Optional.ofNullable(lockMode), why, rule.fix());
    }

    /** {@code CV001}. */
    public String ruleId() { return rule.name(); }

    /** One line for people: {@code error CV001 a1 #2 public.users AccessExclusiveLock: why}. */
    public String summary() {
        return severity.lower() + " " + rule.name() + " " + revision + (statement > 0 ? " #" + statement : "")
                + relation.map(r -> " " + r).orElse("") + lockMode.map(m -> " " + m).orElse("") + ": " + why;
    }
}
