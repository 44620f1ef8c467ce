package io.convoy.core.script;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One revision file, parsed. Immutable.
 *
 * @param id               the revision id ({@code -- convoy:revision:})
 * @param downRevisions    parents; empty for a base, several for a merge
 * @param branchLabels     {@code -- convoy:branch_labels:}
 * @param dependsOn        {@code -- convoy:depends_on:} (ordering only: not parents)
 * @param message          {@code -- convoy:message:}
 * @param transactional    false for CREATE INDEX CONCURRENTLY and kin (runs statement by statement in autocommit)
 * @param lockTimeout      per-revision override of lock_timeout
 * @param statementTimeout per-revision override of statement_timeout
 * @param upgrade          upgrade statements, split, without trailing semicolons
 * @param downgrade        downgrade statements; empty when the section is absent or empty
 * @param hasDowngrade     whether a {@code -- convoy:downgrade} section exists
 * @param checksum         SHA-256 (lower-case hex) of the file's normalized text
 * @param source           the file it came from (a synthetic path for in-memory revisions)
 * @param headerLines      1-based line number of each header key in the file, for error messages
 */
public record Revision(
        String id,
        List<String> downRevisions,
        Set<String> branchLabels,
        List<String> dependsOn,
        String message,
        boolean transactional,
        Optional<Duration> lockTimeout,
        Optional<Duration> statementTimeout,
        List<String> upgrade,
        List<String> downgrade,
        boolean hasDowngrade,
        String checksum,
        Path source,
        Map<String, Integer> headerLines) {

    public Revision {
        downRevisions = List.copyOf(downRevisions);
        branchLabels = Set.copyOf(branchLabels);
        dependsOn = List.copyOf(dependsOn);
        upgrade = List.copyOf(upgrade);
        downgrade = List.copyOf(downgrade);
        headerLines = Map.copyOf(headerLines);
    }

    public boolean isBase() { return downRevisions.isEmpty(); }

    public boolean isMerge() { return downRevisions.size() > 1; }

    /** {@code file:line} of a header key (or just the file), for error messages. */
    public String location(String headerKey) {
        Integer line = headerLines.get(headerKey);
        return line == null ? String.valueOf(source) : source + ":" + line;
    }
}
