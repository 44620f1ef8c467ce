package io.convoy.core.autogen;

import static org.assertj.core.api.Assertions.assertThat;

import io.convoy.core.catalog.CatalogOptions;
import io.convoy.core.shadow.ShadowDatabase;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: for random schema pairs (A, B) from {@link SchemaGen}, upgrade takes A to exactly B and
 * downgrade takes it back to exactly A. One server, two fresh databases per pair.
 *
 * <p>Reproduce a failure with the printed {@code -Dautogen.seed=... -Dautogen.pair=...}; change the
 * number of pairs with {@code -Dautogen.pairs=N}.
 */
class RandomRoundTripIT {
    static ShadowDatabase shadow;
    static RoundTrip roundTrip;

    @BeforeAll
    static void start() {
        shadow = ShadowDatabase.start();
        roundTrip = new RoundTrip(shadow, new Autogenerator(shadow, CatalogOptions.defaults()));
    }

    @AfterAll
    static void stop() {
        shadow.close();
    }

    @Test
    void randomSchemaPairsRoundTrip() {
        long seed = Long.getLong("autogen.seed", new Random().nextLong());
        int pairs = Integer.getInteger("autogen.pairs", 200);
        int only = Integer.getInteger("autogen.pair", -1);
        long started = System.nanoTime();
        int changed = 0;
        int changes = 0;
        for (int i = 0; i < pairs; i++) {
            if (only >= 0 && i != only) {
                continue;
            }
            Random r = new Random(seed * 31 + i);
            SchemaGen gen = new SchemaGen(r);
            SchemaGen.Model a = gen.generate();
            SchemaGen.Model b = gen.mutate(a);
            String aSql = SchemaGen.sql(a);
            String bSql = SchemaGen.sql(b);
            try {
                AutogenResult result = roundTrip.run(aSql, bSql, RenameHints.none());
                if (!result.isEmpty()) {
                    changed++;
                    changes += result.changes().size();
                }
                assertThat(result.isEmpty()).as("empty diff iff same SQL").isEqualTo(aSql.equals(bSql));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("random pair failed; reproduce with -Dautogen.seed=" + seed + " -Dautogen.pair=" + i
                        + "\n--- A:\n" + aSql + "--- B:\n" + bSql + "---\n" + e.getMessage(), e);
            }
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("random round trip: seed %d, %d pairs (%d with changes, %d changes) in %d ms (%d ms per pair)%n",
                seed, pairs, changed, changes, ms, ms / Math.max(1, only >= 0 ? 1 : pairs));
        if (only < 0) {
            assertThat(changed).as("most pairs differ").isGreaterThan(pairs / 2);
        }
    }
}
