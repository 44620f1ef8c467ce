package io.convoy.core.autogen;

import io.convoy.core.catalog.Catalog;
import io.convoy.core.shadow.ShadowDatabase;
import java.util.List;

/**
 * The round trip every autogenerate test checks: build A and B, diff, upgrade A → must equal B,
 * downgrade → must equal A again. Fails with the catalog difference and the generated SQL.
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
        try {
            if (!aSql.isBlank()) {
                shadow.execute(db1, aSql, "A");
            }
            if (!bSql.isBlank()) {
                shadow.execute(db2, bSql, "B");
            }
            Catalog a = gen.read(db1);
            Catalog b = gen.read(db2);
            AutogenResult result = gen.diff(db1, b, hints);
            try {
                for (RevisionPart p : result.parts()) {
                    apply(db1, p.upgrade(), p.transactional(), "upgrade " + p.part());
                }
                Catalog upgraded = gen.read(db1);
                if (!upgraded.equals(b)) {
                    throw new AssertionError("after upgrade the database differs from B (- upgraded, + B):\n"
                            + Catalog.diffText(upgraded, b) + "\n" + sql(result));
                }
                List<RevisionPart> parts = result.parts();
                for (int i = parts.size() - 1; i >= 0; i--) {
                    RevisionPart p = parts.get(i);
                    apply(db1, p.downgrade(), p.transactional(), "downgrade " + p.part());
                }
                Catalog downgraded = gen.read(db1);
                if (!downgraded.equals(a)) {
                    throw new AssertionError("after downgrade the database differs from A (- downgraded, + A):\n"
                            + Catalog.diffText(downgraded, a) + "\n" + sql(result));
                }
            } catch (RuntimeException e) {
                throw new AssertionError(e.getMessage() + "\n" + sql(result), e);
            }
            return result;
        } finally {
            shadow.dropDatabase(db1);
            shadow.dropDatabase(db2);
        }
    }

    private void apply(String db, List<String> statements, boolean transactional, String origin) {
        if (transactional) {
            shadow.executeInTransaction(db, statements, origin);
        } else {
            shadow.executeEach(db, statements, origin);
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
