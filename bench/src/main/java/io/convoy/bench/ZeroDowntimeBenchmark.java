package io.convoy.bench;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.apply.Migrator;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.lint.Finding;
import io.convoy.core.lint.LintReport;
import io.convoy.core.lint.Severity;
import io.convoy.core.lint.ShadowLinter;
import io.convoy.core.shadow.ShadowDatabase;
import io.convoy.core.script.Revision;
import io.convoy.core.script.RevisionParser;
import io.convoy.testkit.postgres.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-downtime: an application's traffic ({@link LoadGenerator}) runs on {@code orders} (1M rows) and
 * {@code accounts} while one change set is applied — add a column with a default, add an index, add a foreign key,
 * set NOT NULL, backfill every row —
 * <ol>
 *   <li><b>naive</b>: the statements as one would write them for Alembic or Flyway, run by Flyway (one migration,
 *       one transaction);</li>
 *   <li><b>convoy</b>: the same change written the way Convoy's lint asks (CONCURRENTLY, NOT VALID + VALIDATE, a
 *       validated CHECK before SET NOT NULL, a batched backfill), applied by Convoy's Migrator with a short
 *       lock_timeout and retries;</li>
 *   <li><b>baseline</b>: the same traffic with no migration.</li>
 * </ol>
 * Every run starts from a fresh copy of one seeded database (CREATE DATABASE … TEMPLATE), the three kinds rotate
 * their order over the repeats, and the figures are medians over the repeats of each run's failed transactions
 * and latency p50/p99/max, counted over the transactions scheduled while the change ran (plus a short tail).
 */
final class ZeroDowntimeBenchmark {
    private static final Logger log = LoggerFactory.getLogger(ZeroDowntimeBenchmark.class);
    private static final String SEED = "zdt_seed";

    record Settings(long rows, int accounts, int clients, int tps, int statementTimeoutMs, int repeats, Duration warmup,
            Duration baselineWindow, Duration tail) {}

    /** The naive change set: what one writes for a tool that runs a migration in one transaction. */
    static final String NAIVE = """
            ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
            ALTER TABLE orders ADD COLUMN amount_cents bigint;
            CREATE INDEX orders_account_id_idx ON orders (account_id);
            ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
            ALTER TABLE orders ALTER COLUMN account_id SET NOT NULL;
            UPDATE orders SET amount_cents = amount::bigint * 100 WHERE amount_cents IS NULL;
            """;

    private ZeroDowntimeBenchmark() {}

    static Map<String, Object> run(PostgresCluster pg, Settings s, Path dir) throws Exception {
        seed(pg, s);
        Path flywayDir = Files.createDirectories(dir.resolve("flyway"));
        Files.writeString(flywayDir.resolve("V1__change_set.sql"), NAIVE);
        List<Revision> convoyRevisions = convoyRevisions();
        List<String> kinds = List.of("baseline", "naive", "convoy");
        Map<String, List<Map<String, Object>>> runs = new LinkedHashMap<>();
        kinds.forEach(k -> runs.put(k, new ArrayList<>()));
        for (int rep = 0; rep < s.repeats(); rep++) {
            for (int k = 0; k < kinds.size(); k++) {
                String kind = kinds.get((k + rep) % kinds.size());
                Map<String, Object> r = runOnce(pg, s, kind, "zdt_" + kind + "_" + rep, flywayDir, convoyRevisions);
                log.info("zero-downtime {} repeat {}: {}", kind, rep, r);
                runs.get(kind).add(r);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("description", "traffic of " + s.clients() + " JDBC clients at " + s.tps() + " transactions/s (50 % reads, 25 %"
                + " updates, 25 % inserts; statement_timeout " + s.statementTimeoutMs() + " ms; latency from the scheduled"
                + " start) on orders (" + s.rows() + " rows) while one change set runs: naive = one Flyway migration"
                + " (one transaction), convoy = the lint-clean revisions applied by Convoy's Migrator; baseline = no change."
                + " Medians over " + s.repeats() + " repeats; each run on a fresh copy of the seeded database");
        result.put("naive_sql", NAIVE);
        result.put("convoy_revisions", convoyRevisions.stream().map(r -> r.id() + " " + r.message()).toList());
        result.put("lint", lint());
        Map<String, Object> medians = new LinkedHashMap<>();
        runs.forEach((kind, list) -> medians.put(kind, medians(list)));
        result.put("medians", medians);
        result.put("runs", runs);
        double baseP99 = median(runs.get("baseline"), "p99");
        double convoyP99 = median(runs.get("convoy"), "p99");
        double convoyFailed = medianOf(runs.get("convoy"), "failed");
        Map<String, Object> target = new LinkedHashMap<>();
        target.put("convoy_failed_median", convoyFailed);
        target.put("convoy_failed_max", runs.get("convoy").stream().mapToInt(m -> (Integer) m.get("failed")).max().orElse(0));
        target.put("convoy_p99_over_baseline_p99", Stats.round(convoyP99 / baseP99));
        target.put("naive_p99_over_baseline_p99", Stats.round(median(runs.get("naive"), "p99") / baseP99));
        target.put("met", runs.get("convoy").stream().allMatch(m -> (Integer) m.get("failed") == 0) && convoyP99 <= 2 * baseP99);
        target.put("rule", "convoy: 0 failed transactions in every repeat and p99 <= 2x the baseline's p99 (medians)");
        result.put("target", target);
        return result;
    }

    /** The same change set, written as lint asks and split into revisions. */
    static List<Revision> convoyRevisions() {
        return convoyRevisions(false);
    }

    /** @param afterBase whether the first revision follows {@link #BASE} (for the lint, which builds the tables first) */
    static List<Revision> convoyRevisions(boolean afterBase) {
        List<String> texts = List.of(
                revision(1, "add status and amount_cents", true, """
                        ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
                        ALTER TABLE orders ADD COLUMN amount_cents bigint;
                        """, """
                        ALTER TABLE orders DROP COLUMN amount_cents;
                        ALTER TABLE orders DROP COLUMN status;
                        """),
                revision(2, "index orders account_id", false, """
                        CREATE INDEX CONCURRENTLY orders_account_id_idx ON orders (account_id);
                        """, """
                        DROP INDEX CONCURRENTLY orders_account_id_idx;
                        """),
                revision(3, "orders account foreign key", false, """
                        ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
                        ALTER TABLE orders VALIDATE CONSTRAINT orders_account_fk;
                        """, """
                        ALTER TABLE orders DROP CONSTRAINT orders_account_fk;
                        """),
                revision(4, "orders account_id not null", false, """
                        ALTER TABLE orders ADD CONSTRAINT orders_account_id_not_null CHECK (account_id IS NOT NULL) NOT VALID;
                        ALTER TABLE orders VALIDATE CONSTRAINT orders_account_id_not_null;
                        ALTER TABLE orders ALTER COLUMN account_id SET NOT NULL;
                        ALTER TABLE orders DROP CONSTRAINT orders_account_id_not_null;
                        """, """
                        ALTER TABLE orders ALTER COLUMN account_id DROP NOT NULL;
                        """),
                BACKFILL);
        List<Revision> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i);
            if (afterBase && i == 0) {
                text = text.replace("-- convoy:message:", "-- convoy:down_revision: " + id(0) + "\n-- convoy:message:");
            }
            out.add(RevisionParser.parse(text, Path.of("versions", id(i + 1) + "_zdt.sql")));
        }
        return out;
    }

    /** The backfill, batched: short keyset batches, each its own transaction with a checkpoint. */
    static final String BACKFILL = revision(5, "backfill amount_cents", false, """
            -- convoy:batch: table=orders key=id target_ms=100
            UPDATE orders SET amount_cents = amount::bigint * 100 WHERE {{batch}} AND amount_cents IS NULL;
            """, """
            -- convoy:batch: table=orders key=id target_ms=100
            UPDATE orders SET amount_cents = NULL WHERE {{batch}};
            """);

    /** The tables as seeded, as a revision: what the lint replays before the change. */
    static final String BASE = revision(0, "orders and accounts", true, """
            CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL);
            CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint, amount integer NOT NULL, note text);
            """, """
            DROP TABLE orders;
            DROP TABLE accounts;
            """);

    /**
     * Both change sets through Convoy's shadow-database lint: the naive one (as one transactional revision) and the
     * Convoy one. Returns the rule ids found per change set and the error-level findings in full.
     */
    static Map<String, Object> lint() {
        Revision base = RevisionParser.parse(BASE, Path.of("versions", id(0) + "_zdt_base.sql"));
        Revision naive = RevisionParser.parse("-- convoy:revision: zdnaive\n-- convoy:down_revision: " + id(0)
                + "\n-- convoy:message: naive change set\n\n-- convoy:upgrade\n" + NAIVE
                + "\n-- convoy:downgrade\nALTER TABLE orders DROP CONSTRAINT orders_account_fk;\n", Path.of("versions", "zdnaive.sql"));
        Map<String, Object> out = new LinkedHashMap<>();
        try (ShadowDatabase shadow = ShadowDatabase.start()) {
            ShadowLinter linter = new ShadowLinter(shadow, ApplyOptions.defaults(), Clock.systemUTC(), ShadowLinter.DEFAULT_ROWS);
            LintReport n = linter.lint(RevisionGraph.of(List.of(base, naive)), "zdnaive", r -> r.id().equals("zdnaive"));
            List<Revision> convoy = new ArrayList<>();
            convoy.add(base);
            convoy.addAll(convoyRevisions(true));
            LintReport c = linter.lint(RevisionGraph.of(convoy), "heads", r -> !r.id().equals(id(0)));
            out.put("naive", lintSummary(n));
            out.put("convoy", lintSummary(c));
        }
        return out;
    }

    private static Map<String, Object> lintSummary(LintReport report) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("worst", report.worst().map(Enum::name).orElse("none"));
        m.put("rules", report.findings().stream().map(f -> f.ruleId() + " " + f.severity().name().toLowerCase()).distinct().sorted().toList());
        m.put("errors", report.findings().stream().filter(f -> f.severity() == Severity.ERROR).map(Finding::summary).toList());
        return m;
    }

    private static String revision(int n, String message, boolean transactional, String upgrade, String downgrade) {
        return "-- convoy:revision: " + id(n) + "\n"
                + (n <= 1 ? "" : "-- convoy:down_revision: " + id(n - 1) + "\n")
                + "-- convoy:message: " + message + "\n"
                + "-- convoy:transactional: " + transactional + "\n\n"
                + "-- convoy:upgrade\n" + upgrade + "\n-- convoy:downgrade\n" + downgrade;
    }

    private static String id(int n) {
        return String.format("zd%010x", n);
    }

    private static void seed(PostgresCluster pg, Settings s) throws SQLException {
        long t0 = System.nanoTime();
        pg.createDatabase(SEED);
        try (Connection c = pg.connect(SEED); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL)");
            st.execute("INSERT INTO accounts (email) SELECT 'a' || g || '@example.com' FROM generate_series(1, " + s.accounts() + ") g");
            st.execute("CREATE TABLE orders (id bigserial PRIMARY KEY, account_id bigint, amount integer NOT NULL, note text)");
            st.execute("INSERT INTO orders (account_id, amount, note) SELECT 1 + (g % " + s.accounts() + "), g % 10000, 'seed'"
                    + " FROM generate_series(1, " + s.rows() + ") g");
            st.execute("VACUUM ANALYZE");
        }
        log.info("seeded {} ({} orders, {} accounts) in {} ms", SEED, s.rows(), s.accounts(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static Map<String, Object> runOnce(PostgresCluster pg, Settings s, String kind, String db, Path flywayDir,
            List<Revision> revisions) throws Exception {
        try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + db + " TEMPLATE " + SEED);
        }
        String url = pg.jdbcUrl(db);
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            LoadGenerator load = LoadGenerator.start(url, new LoadGenerator.Settings(s.clients(), s.tps(), s.rows(), s.accounts(),
                    s.statementTimeoutMs()));
            long from;
            long to;
            try {
                pause(s.warmup());
                from = System.nanoTime();
                switch (kind) {
                    case "baseline" -> pause(s.baselineWindow());
                    case "naive" -> naive(url, flywayDir);
                    case "convoy" -> convoy(url, revisions);
                    default -> throw new IllegalArgumentException(kind);
                }
                to = System.nanoTime();
                pause(s.tail());
            } finally {
                load.close();
            }
            double changeSeconds = (to - from) / 1e9;
            r.put("change_seconds", Stats.round(changeSeconds));
            long windowEnd = to + s.tail().toNanos();
            r.putAll(LoadGenerator.summary(load.samples(from, windowEnd), (windowEnd - from) / 1e9));
            if (!kind.equals("baseline")) {
                r.put("schema_checked", check(url, s.rows()));
            }
        } finally {
            try (Connection c = pg.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
        return r;
    }

    private static void naive(String url, Path flywayDir) {
        MigrateResult r = Flyway.configure().dataSource(url, null, null).locations("filesystem:" + flywayDir.toAbsolutePath())
                .baselineOnMigrate(true).baselineVersion("0")
                .load().migrate();
        if (!r.success || r.migrationsExecuted != 1) {
            throw new IllegalStateException("Flyway: success " + r.success + ", " + r.migrationsExecuted + " migrations executed");
        }
    }

    private static void convoy(String url, List<Revision> revisions) {
        ApplyOptions options = ApplyOptions.defaults()
                .withLockTimeout(Duration.ofMillis(500))
                .withRetry(20, Duration.ofMillis(200), Duration.ofSeconds(2))
                .withAppliedBy("bench")
                .withApplicationName("convoy-bench");
        Migrator migrator = new Migrator(ConnectionSource.of(url), options, Clock.systemUTC(), e -> { });
        RevisionGraph graph = RevisionGraph.of(revisions);
        migrator.apply(graph.upgrade(migrator.currentHeads(), "head"));
    }

    /** The change really happened: every column, index and constraint is there, every seeded row backfilled. */
    private static String check(String url, long rows) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement st = c.createStatement()) {
            long wrong = single(st, "SELECT count(*) FROM orders WHERE id <= " + rows + " AND amount_cents IS DISTINCT FROM amount::bigint * 100");
            long index = single(st, "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                    + " WHERE c.relname = 'orders_account_id_idx' AND i.indisvalid");
            long fk = single(st, "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_account_fk' AND convalidated");
            long notNull = single(st, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'orders'::regclass"
                    + " AND attname = 'account_id' AND attnotnull");
            long status = single(st, "SELECT count(*) FROM orders WHERE status IS NULL");
            if (wrong != 0 || index != 1 || fk != 1 || notNull != 1 || status != 0) {
                throw new IllegalStateException("the change set did not fully apply: " + wrong + " rows not backfilled, valid index "
                        + index + ", validated FK " + fk + ", NOT NULL " + notNull + ", null status " + status);
            }
            return "backfilled, index valid, FK validated, NOT NULL set";
        }
    }

    private static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double median(List<Map<String, Object>> runs, String percentile) {
        return Stats.median(runs.stream().mapToDouble(m -> latency(m, percentile)).toArray());
    }

    @SuppressWarnings("unchecked")
    private static double latency(Map<String, Object> run, String key) {
        return ((Number) ((Map<String, Object>) run.get("latency_ms")).get(key)).doubleValue();
    }

    private static double medianOf(List<Map<String, Object>> runs, String key) {
        return Stats.median(runs.stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).toArray());
    }

    private static Map<String, Object> medians(List<Map<String, Object>> runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("change_seconds", Stats.round(medianOf(runs, "change_seconds")));
        m.put("failed", medianOf(runs, "failed"));
        m.put("latency_p50_ms", Stats.round(median(runs, "p50")));
        m.put("latency_p99_ms", Stats.round(median(runs, "p99")));
        m.put("latency_max_ms", Stats.round(median(runs, "max")));
        return m;
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
