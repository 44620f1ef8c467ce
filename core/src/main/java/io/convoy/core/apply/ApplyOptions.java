package io.convoy.core.apply;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How revisions are applied to one database. Immutable; {@link #defaults()} holds the documented
 * defaults, and the {@code with*} methods return modified copies.
 *
 * @param versionSchema     schema of convoy.version / convoy.history (default {@code convoy})
 * @param lockTimeout       lock_timeout for every migration statement (default 2 s)
 * @param statementTimeout  statement_timeout for every migration statement (default off)
 * @param maxAttempts       attempts per revision on lock timeout / deadlock (default 5)
 * @param initialBackoff    first retry delay (default 1 s), doubled each time with jitter
 * @param maxBackoff        cap of the retry delay (default 30 s)
 * @param migrationLockWait how long a second concurrent run waits for the migration lock (default 60 s)
 * @param appliedBy         who applies, recorded in convoy.history
 * @param host              where from, recorded in convoy.history
 * @param applicationName   PostgreSQL application_name of the migration sessions
 * @param planId            pipeline plan id recorded in convoy.history, if any
 * @param commandId         pipeline command id recorded in convoy.history, if any
 */
public record ApplyOptions(
        String versionSchema,
        Duration lockTimeout,
        Optional<Duration> statementTimeout,
        int maxAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration migrationLockWait,
        String appliedBy,
        String host,
        String applicationName,
        Optional<String> planId,
        Optional<String> commandId) {

    public ApplyOptions {
        Objects.requireNonNull(versionSchema, "versionSchema");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(migrationLockWait, "migrationLockWait");
        Objects.requireNonNull(appliedBy, "appliedBy");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(applicationName, "applicationName");
        Objects.requireNonNull(planId, "planId");
        Objects.requireNonNull(commandId, "commandId");
        if (!versionSchema.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("version schema must be a lower-case SQL identifier: " + versionSchema);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    public static ApplyOptions defaults() {
        return new ApplyOptions("convoy", Duration.ofSeconds(2), Optional.empty(), 5, Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(60), System.getProperty("user.name", "unknown"),
                localHost(), "convoy", Optional.empty(), Optional.empty());
    }

    public ApplyOptions withVersionSchema(String v) { return new ApplyOptions(v, lockTimeout, statementTimeout, maxAttempts, initialBackoff, maxBackoff, migrationLockWait, appliedBy, host, applicationName, planId, commandId); }
    public ApplyOptions withLockTimeout(Duration v) { return new ApplyOptions(versionSchema, v, statementTimeout, maxAttempts, initialBackoff, maxBackoff, migrationLockWait, appliedBy, host, applicationName, planId, commandId); }
    public ApplyOptions withStatementTimeout(Optional<Duration> v) { return new ApplyOptions(versionSchema, lockTimeout, v, maxAttempts, initialBackoff, maxBackoff, migrationLockWait, appliedBy, host, applicationName, planId, commandId); }
    public ApplyOptions withRetry(int attempts, Duration initial, Duration max) { return new ApplyOptions(versionSchema, lockTimeout, statementTimeout, attempts, initial, max, migrationLockWait, appliedBy, host, applicationName, planId, commandId); }
    public ApplyOptions withMigrationLockWait(Duration v) { return new ApplyOptions(versionSchema, lockTimeout, statementTimeout, maxAttempts, initialBackoff, maxBackoff, v, appliedBy, host, applicationName, planId, commandId); }
    public ApplyOptions withAppliedBy(String v) { return new ApplyOptions(versionSchema, lockTimeout, statementTimeout, maxAttempts, initialBackoff, maxBackoff, migrationLockWait, v, host, applicationName, planId, commandId); }
    public ApplyOptions withApplicationName(String v) { return new ApplyOptions(versionSchema, lockTimeout, statementTimeout, maxAttempts, initialBackoff, maxBackoff, migrationLockWait, appliedBy, host, v, planId, commandId); }
    public ApplyOptions withPipelineIds(Optional<String> plan, Optional<String> command) { return new ApplyOptions(versionSchema, lockTimeout, statementTimeout, maxAttempts, initialBackoff, maxBackoff, migrationLockWait, appliedBy, host, applicationName, plan, command); }

    private static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
