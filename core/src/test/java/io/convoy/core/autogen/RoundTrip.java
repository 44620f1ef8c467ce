package io.convoy.core.autogen;

import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.CatalogOptions;
import io.convoy.core.catalog.CatalogReader;
import io.convoy.core.shadow.ShadowDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The round trip every autogenerate test checks: build A and B in two fresh databases, diff,
 * upgrade A → must equal B, downgrade → must equal A again. Fails with the catalog difference and
 * the generated SQL. Without rename hints it keeps one connection per database (no clone is
 * needed), which makes a pair about twice as fast as going through new connections each time.
 */
final class RoundTrip {
    private final ShadowDatabase shadow;
    private final Autogenerator gen;

    RoundTrip(ShadowDatabase shadow, Autogenerator gen) {
        this.shadow = shadow;
        this.gen = gen;
    }

    AutogenResult run(String aSql, String bSql, RenameHints hints) {
        String db1 = shadow.createDatabase();
        String db2 = shadow.createDatabase();
        try (Connection c1 = shadow.connect(db1); Connection c2 = shadow.connect(db2)) {
            execute(c1, aSql, "A");
            execute(c2, bSql, "B");
            Catalog a = read(c1);
            Catalog b = read(c2);
            AutogenResult result;
            if (hints.isEmpty()) {
                result = Differ.diff(a, b);
                check(c1, a, b, result);
            } else {
                c1.close();
                result = gen.diff(db1, b, hints);
                try (Connection again = shadow.connect(db1)) {
                    check(again, a, b, result);
                }
            }
            return result;
        } catch (SQLException e) {
            throw new AssertionError(e);
        } finally {
            shadow.dropDatabase(db1);
            shadow.dropDatabase(db2);
        }
    }

    private static void check(Connection c1, Catalog a, Catalog b, AutogenResult result) {
        try {
            for (RevisionPart p : result.parts()) {
                apply(c1, p.upgrade(), p.transactional(), "upgrade " + p.part());
            }
            Catalog upgraded = read(c1);
            if (!upgraded.equals(b)) {
                throw new AssertionError("after upgrade the database differs from B (- upgraded, + B):\n"
                        + Catalog.diffText(upgraded, b) + "\n" + sql(result));
            }
            List<RevisionPart> parts = result.parts();
            for (int i = parts.size() - 1; i >= 0; i--) {
                RevisionPart p = parts.get(i);
                apply(c1, p.downgrade(), p.transactional(), "downgrade " + p.part());
            }
            Catalog downgraded = read(c1);
            if (!downgraded.equals(a)) {
                throw new AssertionError("after downgrade the database differs from A (- downgraded, + A):\n"
                        + Catalog.diffText(downgraded, a) + "\n" + sql(result));
            }
        } catch (SQLException e) {
            throw new AssertionError(e.getMessage() + "\n" + sql(result), e);
        }
    }

    static Catalog read(Connection c) {
        return CatalogReader.read(c, CatalogOptions.defaults());
    }

    private static void execute(Connection c, String sql, String origin) throws SQLException {
        if (sql.isBlank()) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(origin + ": " + e.getMessage() + "\n" + sql, e.getSQLState(), e);
        }
    }

    /** Like the Migrator: a transactional part in one transaction, the other statement by statement. */
    private static void apply(Connection c, List<String> statements, boolean transactional, String origin) throws SQLException {
        c.setAutoCommit(!transactional);
        try (Statement s = c.createStatement()) {
            for (int i = 0; i < statements.size(); i++) {
                try {
                    s.execute(statements.get(i));
                } catch (SQLException e) {
                    if (transactional) {
                        c.rollback();
                    }
                    throw new SQLException(origin + " statement " + (i + 1) + " failed: " + e.getMessage()
                            + "\n  statement: " + statements.get(i), e.getSQLState(), e);
                }
            }
            if (transactional) {
                c.commit();
            }
        } finally {
            c.setAutoCommit(true);
        }
    }

    static String sql(AutogenResult r) {
        StringBuilder sb = new StringBuilder("summary:\n").append(r.summaryText()).append('\n');
        for (RevisionPart p : r.parts()) {
            sb.append("-- part ").append(p.part()).append(" transactional=").append(p.transactional()).append("\n-- upgrade\n")
                    .append(p.upgradeScript()).append("\n-- downgrade\n").append(p.downgradeScript()).append('\n');
        }
        return sb.toString();
    }
}
