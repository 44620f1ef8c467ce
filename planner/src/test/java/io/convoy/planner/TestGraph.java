package io.convoy.planner;

import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The revision files the planner tests plan with:
 * <pre>
 *   a1 ── b2 ── c3      a1: base;  b2: no downgrade section, lock_timeout 5s;
 *    └── x9             c3: non-transactional (CREATE INDEX CONCURRENTLY), statement_timeout 10min
 * </pre>
 * Two heads (c3, x9): {@code head} is MIG001; tests name revisions instead.
 */
public final class TestGraph {
    public static final Map<String, String> FILES = new LinkedHashMap<>();

    static {
        FILES.put("a1_create_accounts.sql", """
                -- convoy:revision: a1
                -- convoy:message: create accounts

                -- convoy:upgrade
                CREATE TABLE accounts (id bigint PRIMARY KEY);

                -- convoy:downgrade
                DROP TABLE accounts;
                """);
        FILES.put("b2_add_email.sql", """
                -- convoy:revision: b2
                -- convoy:down_revision: a1
                -- convoy:message: add email
                -- convoy:lock_timeout: 5s

                -- convoy:upgrade
                ALTER TABLE accounts ADD COLUMN email text;
                UPDATE accounts SET email = '';
                """);
        FILES.put("c3_index_email.sql", """
                -- convoy:revision: c3
                -- convoy:down_revision: b2
                -- convoy:message: index email
                -- convoy:transactional: false
                -- convoy:statement_timeout: 10min

                -- convoy:upgrade
                CREATE INDEX CONCURRENTLY accounts_email ON accounts (email);

                -- convoy:downgrade
                DROP INDEX CONCURRENTLY accounts_email;
                """);
        FILES.put("x9_audit.sql", """
                -- convoy:revision: x9
                -- convoy:down_revision: a1
                -- convoy:message: audit table

                -- convoy:upgrade
                CREATE TABLE audit (id bigint);

                -- convoy:downgrade
                DROP TABLE audit;
                """);
    }

    private TestGraph() {}

    /** The revisions parsed in memory (sources {@code versions/<file>}). */
    public static List<Revision> revisions() {
        return FILES.entrySet().stream()
                .map(e -> RevisionParser.parse(e.getValue(), Path.of("versions", e.getKey())))
                .toList();
    }

    public static RevisionGraph graph() {
        return RevisionGraph.of(revisions());
    }

    /** Writes the files into {@code dir} (created). */
    public static Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : FILES.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
