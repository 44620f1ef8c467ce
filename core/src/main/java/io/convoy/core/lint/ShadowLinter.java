package io.convoy.core.lint;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.Migrator;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.shadow.ShadowDatabase;
import io.convoy.core.script.BatchDirective;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lints revisions by running them on a shadow database. For the revisions to reach a target, in apply order: the
 * ones before a linted revision are applied with the real {@link Migrator} and their new tables get
 * {@code rows} generated rows each; a linted revision then runs statement by statement — a transactional one
 * inside one transaction that is rolled back, a non-transactional one in a copy of the database, each statement
 * in its own transaction (autocommit for CONCURRENTLY) — and after each statement the linter reads, in the same
 * transaction, the relation locks its backend holds ({@code pg_locks}), the {@code relfilenode} of every relation
 * (a change means a rewrite) and the columns, constraints and indexes (a constraint added valid or a column set
 * NOT NULL on a table that existed before the revision means a full scan). Then the revision is applied properly
 * and the next one is linted. {@link StaticRules} add what the text shows. A statement that fails on the shadow
 * is finding CV010 and stops the run (what follows cannot be replayed).
 */
public final class ShadowLinter {
    private static final Logger log = LoggerFactory.getLogger(ShadowLinter.class);

    /** Rows generated per table by default. */
    public static final int DEFAULT_ROWS = 1000;

    private final ShadowDatabase shadow;
    private final ApplyOptions options;
    private final Clock clock;
    private final int rows;

    public ShadowLinter(ShadowDatabase shadow, ApplyOptions options, Clock clock, int rows) {
        this.shadow = Objects.requireNonNull(shadow, "shadow");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + rows);
        }
        this.rows = rows;
    }

    /**
     * Lints every revision of {@code graph} selected by {@code lint}, on the way from base to {@code target}
     * (an upgrade target: {@code heads}, {@code head}, a revision id, ...).
     */
    public LintReport lint(RevisionGraph graph, String target, Predicate<Revision> lint) {
        Plan plan = graph.upgrade(Set.of(), target);
        String db = shadow.createDatabase();
        try {
            return run(db, plan, lint);
        } finally {
            shadow.dropDatabase(db);
        }
    }

    /** Lints the revisions of a {@code start:end} range ({@code base:head}, {@code a1:c3}); start excluded as in upgrade. */
    public LintReport lintRange(RevisionGraph graph, String range) {
        Plan selected = graph.range(range, Direction.UPGRADE);
        Set<String> ids = new HashSet<>();
        selected.steps().forEach(s -> ids.add(s.revision().id()));
        String end = range.substring(range.indexOf(':') + 1).strip();
        return lint(graph, end.isEmpty() ? "heads" : end, r -> ids.contains(r.id()));
    }

    private LintReport run(String db, Plan plan, Predicate<Revision> selected) {
        Migrator migrator = new Migrator(shadow.connectionSource(db), options, clock, e -> { });
        RowGenerator generator = new RowGenerator(rows);
        Set<Long> filled = new HashSet<>();
        List<Finding> findings = new ArrayList<>();
        List<String> linted = new ArrayList<>();
        for (MigrationStep step : plan.steps()) {
            Revision r = step.revision();
            if (selected.test(r)) {
                linted.add(r.id());
                List<Finding> stat = StaticRules.check(r, tables(db));
                findings.addAll(stat);
                if (stat.stream().anyMatch(f -> f.rule() == Rule.CV008)) {
                    findings.add(Finding.of(Rule.CV010, r.id(), 0, "", null, null,
                            "not run on the shadow (CONCURRENTLY in a transactional revision cannot run); later revisions not linted"));
                    break;
                }
                Measured m = r.transactional() ? measureInTransaction(db, r) : measureEach(db, r);
                if (m.failed() && m.sqlState() != null && m.sqlState().startsWith("23")) {
                    // the generated rows break a constraint the revision adds: not the revision's fault; measure
                    // again on empty tables (locks and rewrites still show, scans become trivial)
                    Finding failure = m.findings().get(m.findings().size() - 1);
                    truncateAll(db);
                    filled.clear();
                    m = r.transactional() ? measureInTransaction(db, r) : measureEach(db, r);
                    findings.add(Finding.of(Rule.CV013, r.id(), failure.statement(), failure.sql(), null, null,
                            "the generated rows violate a constraint of statement " + failure.statement()
                                    + ", so the revision was measured on emptied tables: " + failure.why().replace("; later revisions not linted", "")));
                }
                findings.addAll(m.findings());
                if (m.failed()) {
                    break;
                }
            }
            try {
                migrator.apply(new Plan(Direction.UPGRADE, step.headsBefore(), step.headsAfter(), List.of(step)));
            } catch (ConvoyException e) {
                findings.add(Finding.of(Rule.CV010, r.id(), 0, "", null, null, "applying it on the shadow failed: "
                        + e.getMessage() + "; later revisions not linted"));
                break;
            }
            if (rows > 0) {
                try (Connection c = shadow.connect(db)) {
                    generator.fill(c, options.versionSchema(), filled).forEach(n -> log.info("{}: {}", r.id(), n));
                } catch (SQLException e) {
                    throw new ConvoyException(ErrorCode.MIG021, "shadow database " + db + ": " + e.getMessage(), e);
                }
            }
        }
        return new LintReport(linted, findings);
    }

    private record Measured(List<Finding> findings, boolean failed, String sqlState) {}

    private void truncateAll(String db) {
        try (Connection c = shadow.connect(db); Statement s = c.createStatement()) {
            s.execute("do $$ declare t record; begin for t in select c.oid::regclass as name from pg_class c"
                    + " join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r','p')"
                    + " and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%'"
                    + " and n.nspname <> " + io.convoy.core.apply.SqlLiterals.literal(options.versionSchema())
                    + " loop execute 'truncate ' || t.name || ' cascade'; end loop; end $$");
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + db + ": " + e.getMessage(), e);
        }
    }

    private Measured measureInTransaction(String db, Revision r) {
        try (Connection c = shadow.connect(db)) {
            c.setAutoCommit(false);
            try {
                return measure(c, r, true);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + db + ": " + e.getMessage(), e);
        }
    }

    private Measured measureEach(String db, Revision r) {
        String copy = shadow.cloneDatabase(db);
        try (Connection c = shadow.connect(copy)) {
            return measure(c, r, false);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + copy + ": " + e.getMessage(), e);
        } finally {
            shadow.dropDatabase(copy);
        }
    }

    /**
     * What runs on the shadow for a revision statement: a batched statement ({@code -- convoy:batch:}) runs its
     * template once over every row (the shadow's tables are small), which takes the locks each of its batches takes.
     */
    static String runnable(String sql) {
        return BatchDirective.decode(sql).map(b -> b.expandWith(column -> "(" + column + " IS NOT NULL OR true)")).orElse(sql);
    }

    private Measured measure(Connection c, Revision r, boolean transactional) throws SQLException {
        String schema = options.versionSchema();
        CatalogState pre = CatalogState.read(c, schema);
        CatalogState prev = pre;
        StatementAnalysis analysis = new StatementAnalysis(r, pre);
        List<Finding> out = new ArrayList<>();
        List<String> up = r.upgrade();
        for (int i = 0; i < up.size(); i++) {
            String sql = up.get(i);
            boolean concurrent = StaticRules.concurrently(sql);
            if (!transactional) {
                c.setAutoCommit(concurrent);
            }
            CatalogState cur;
            try (Statement s = c.createStatement()) {
                s.execute(runnable(sql));
                cur = CatalogState.read(c, schema);
            } catch (SQLException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                out.add(Finding.of(Rule.CV010, r.id(), i + 1, sql, null, null, "failed on the shadow database"
                        + (e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")") + ": " + firstLine(e.getMessage())
                        + "; later revisions not linted"));
                return new Measured(out, true, e.getSQLState());
            }
            out.addAll(analysis.analyze(i + 1, sql, concurrent, prev, cur));
            if (!transactional && !c.getAutoCommit()) {
                c.commit();
                cur = CatalogState.read(c, schema);
                c.commit();
            }
            prev = cur;
        }
        return new Measured(out, false, null);
    }

    /** Lower-case names (bare and schema-qualified) of the user tables of {@code db}. */
    private Set<String> tables(String db) {
        Set<String> out = new HashSet<>();
        try (Connection c = shadow.connect(db); Statement s = c.createStatement();
                var rs = s.executeQuery("select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                        + " where c.relkind in ('r','p') and n.nspname not in ('pg_catalog','information_schema')")) {
            while (rs.next()) {
                out.add(rs.getString(2).toLowerCase(Locale.ROOT));
                out.add((rs.getString(1) + "." + rs.getString(2)).toLowerCase(Locale.ROOT));
            }
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + db + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
