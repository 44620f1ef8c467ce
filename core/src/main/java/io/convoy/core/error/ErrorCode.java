package io.convoy.core.error;

/**
 * Every error Convoy reports. The code surfaces in the CLI (as text and as the process exit code),
 * in step events and in the audit trail, so codes are never renumbered or reused.
 */
public enum ErrorCode {
    MIG001("migration conflict", "several heads, or a revision graph that does not resolve", "merge the heads (convoy merge) or fix the revision headers", 11),
    MIG002("replication lag", "replication lag over threshold", "pause and wait for the replicas to catch up", 12),
    MIG003("lock timeout", "a statement could not get its lock within lock_timeout, after every retry", "retry with backoff; during low traffic", 13),
    MIG004("version mismatch", "target not at the expected revision, or an applied script changed or vanished", "verify migration history", 14),
    MIG005("not at head", "the database is behind the head of the revision graph", "run convoy upgrade head", 15),
    MIG006("schema differs from models", "the schema the revisions build differs from the desired schema files", "run convoy revision --autogenerate -m <message> and review the revision", 16),
    MIG007("lint findings", "lint found error-level findings (table rewrites, full scans under strong locks, destructive changes) that are not approved", "apply the safe rewrite shown with each finding, or approve its rule id in the request's approvals", 17),
    MIG008("rollback not verified", "a downgrade does not restore the schema its upgrade started from, or fails", "fix the -- convoy:downgrade section of the revisions named (see convoy verify-rollback)", 18),
    MIG010("invalid revision file", "a revision file is malformed", "fix the file named in the message", 20),
    MIG011("unknown revision", "a revision identifier does not resolve", "use convoy heads / convoy history to find a valid identifier", 21),
    MIG012("migration lock held", "another Convoy run holds the migration lock of this database", "wait for the other run to finish", 22),
    MIG013("statement failed", "a migration statement failed with a permanent error", "fix the revision; the failed revision was rolled back where it was transactional", 23),
    MIG014("invalid index", "an interrupted CREATE INDEX CONCURRENTLY left an INVALID index", "drop the index named in the message and run again", 24),
    MIG020("invalid configuration", "a configuration value or command-line argument is invalid", "fix the value named in the message", 30),
    MIG021("connection failed", "the database could not be reached", "check the URL, the network and the credentials", 31),
    MIG099("internal error", "an unexpected error inside Convoy", "report it with the log", 70);

    private final String title;
    private final String meaning;
    private final String resolution;
    private final int exitCode;

    ErrorCode(String title, String meaning, String resolution, int exitCode) {
        this.title = title;
        this.meaning = meaning;
        this.resolution = resolution;
        this.exitCode = exitCode;
    }

    public String title() { return title; }

    public String meaning() { return meaning; }

    public String resolution() { return resolution; }

    /** Process exit code of the CLI when a command ends with this error. */
    public int exitCode() { return exitCode; }
}
