package io.convoy.core.lint;

/**
 * Every lint rule, with a stable id that requests approve and that never changes meaning. {@link #measured()}
 * says whether the rule is observed on the shadow database (locks from {@code pg_locks}, rewrites from
 * {@code pg_class.relfilenode}, catalog changes) or read from the statement text (static).
 */
public enum Rule {
    CV001(Severity.ERROR, true, "table rewrite under ACCESS EXCLUSIVE",
            "add a new column, backfill it in batches, and swap; or run it in a maintenance window"),
    CV002(Severity.ERROR, true, "CREATE INDEX without CONCURRENTLY on an existing table",
            "CREATE INDEX CONCURRENTLY in a revision with -- convoy:transactional: false"
                    + " (for a constraint: then ALTER TABLE ... ADD CONSTRAINT ... USING INDEX)"),
    CV003(Severity.ERROR, true, "FOREIGN KEY or CHECK validated while added (full scan under a strong lock)",
            "ADD CONSTRAINT ... NOT VALID here, then ALTER TABLE ... VALIDATE CONSTRAINT in a later revision"),
    CV004(Severity.ERROR, true, "SET NOT NULL without a validated CHECK (full scan under ACCESS EXCLUSIVE)",
            "ADD CONSTRAINT c CHECK (col IS NOT NULL) NOT VALID; VALIDATE CONSTRAINT c (later revision);"
                    + " then SET NOT NULL (no scan) and DROP CONSTRAINT c"),
    CV005(Severity.ERROR, true, "column added with a volatile default (rewrites the table)",
            "add the column without default (or with a constant one), set the default, backfill in batches"),
    CV006(Severity.ERROR, true, "column type change that rewrites the table",
            "add a column of the new type, backfill it in batches, and swap names in a short transaction"),
    CV007(Severity.ERROR, true, "destructive change: a table or column is dropped or renamed",
            "stop reading/writing it in the application first (expand/contract); approve the rule id when intended"),
    CV008(Severity.ERROR, false, "CONCURRENTLY inside a transactional revision (fails with SQLSTATE 25001)",
            "put the statement in its own revision with -- convoy:transactional: false"),
    CV009(Severity.WARNING, false, "revision has no downgrade",
            "write a -- convoy:downgrade section that undoes the upgrade (check it with convoy verify-rollback)"),
    CV010(Severity.ERROR, true, "statement fails on the shadow database",
            "fix the statement; the revisions after it were not linted"),
    CV011(Severity.INFO, true, "ACCESS EXCLUSIVE lock on an existing table (no rewrite)",
            "keep it brief: a short lock_timeout with retries (Convoy's default) avoids queueing every reader"),
    CV012(Severity.WARNING, false, "UPDATE or DELETE of a whole existing table in one statement",
            "use a batched step (-- convoy:batch:) so that each batch is a short transaction"),
    CV013(Severity.INFO, true, "generated rows conflict with the revision: measured on emptied tables",
            "nothing to do, unless real data could break the same constraint: check it before applying");

    private final Severity severity;
    private final boolean measured;
    private final String title;
    private final String fix;

    Rule(Severity severity, boolean measured, String title, String fix) {
        this.severity = severity;
        this.measured = measured;
        this.title = title;
        this.fix = fix;
    }

    public Severity severity() { return severity; }

    /** True when observed on the shadow database, false when read from the statement text. */
    public boolean measured() { return measured; }

    public String title() { return title; }

    /** The safe rewrite. */
    public String fix() { return fix; }
}
