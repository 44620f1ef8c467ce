package io.convoy.core.rollback;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.apply.Migrator;
import io.convoy.core.autogen.Change;
import io.convoy.core.autogen.Differ;
import io.convoy.core.catalog.Catalog;
import io.convoy.core.catalog.CatalogOptions;
import io.convoy.core.catalog.CatalogReader;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.script.Revision;
import io.convoy.core.shadow.ShadowDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Verifies downgrades on a shadow database, the "stairway": for each revision on the way from base to a target,
 * upgrade it, downgrade it, compare the catalog with the one before the upgrade (with autogenerate's
 * {@link Differ}, so the difference reads like a revision summary), and upgrade it again — so the next revision
 * starts from a schema that has been through a downgrade/upgrade cycle. A revision that fails is reported and
 * the stairway goes on with the schema it left, unless upgrading again failed (then it stops there).
 */
public final class RollbackVerifier {
    private static final String AGAIN = "upgrading again after the downgrade failed";

    private final ShadowDatabase shadow;
    private final ApplyOptions options;
    private final CatalogOptions catalogOptions;
    private final Clock clock;

    public RollbackVerifier(ShadowDatabase shadow, ApplyOptions options, Clock clock) {
        this.shadow = Objects.requireNonNull(shadow, "shadow");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.catalogOptions = CatalogOptions.excludingVersionSchema(options.versionSchema());
    }

    /** Verifies the revisions of a {@code start:end} range (start excluded, as for upgrade; {@code base:heads} = all). */
    public List<RollbackResult> verifyRange(RevisionGraph graph, String range) {
        Plan selected = graph.range(range, Direction.UPGRADE);
        Set<String> ids = new HashSet<>();
        selected.steps().forEach(s -> ids.add(s.revision().id()));
        String end = range.substring(range.indexOf(':') + 1).strip();
        return verify(graph, end.isEmpty() ? "heads" : end, r -> ids.contains(r.id()));
    }

    /** Verifies each revision selected by {@code verify} on the way from base to {@code target}. */
    public List<RollbackResult> verify(RevisionGraph graph, String target, Predicate<Revision> verify) {
        Plan plan = graph.upgrade(Set.of(), target);
        String db = shadow.createDatabase();
        try {
            Migrator migrator = new Migrator(shadow.connectionSource(db), options, clock, e -> { });
            List<RollbackResult> out = new ArrayList<>();
            for (MigrationStep step : plan.steps()) {
                Revision r = step.revision();
                Plan up = new Plan(Direction.UPGRADE, step.headsBefore(), step.headsAfter(), List.of(step));
                if (!verify.test(r)) {
                    migrator.apply(up);
                    continue;
                }
                RollbackResult result = stairway(db, migrator, step, up);
                out.add(result);
                if (result.failure().filter(f -> f.startsWith(AGAIN)).isPresent()) {
                    break;
                }
            }
            return out;
        } finally {
            shadow.dropDatabase(db);
        }
    }

    private RollbackResult stairway(String db, Migrator migrator, MigrationStep step, Plan up) {
        Revision r = step.revision();
        Catalog before = read(db);
        migrator.apply(up);
        if (!r.hasDowngrade()) {
            return new RollbackResult(r.id(), List.of(), Optional.of("no -- convoy:downgrade section (" + r.source() + ")"));
        }
        MigrationStep downStep = new MigrationStep(r, Direction.DOWNGRADE, step.headsAfter(), step.headsBefore());
        try {
            migrator.apply(new Plan(Direction.DOWNGRADE, step.headsAfter(), step.headsBefore(), List.of(downStep)));
        } catch (ConvoyException e) {
            return new RollbackResult(r.id(), List.of(), Optional.of("the downgrade failed: " + e.getMessage()));
        }
        Catalog restored = read(db);
        List<String> differences = Differ.diff(before, restored).changes().stream()
                .map(Change::summary).filter(s -> !s.isBlank()).toList();
        List<String> warnings = Differ.diff(before, restored).warnings();
        List<String> all = new ArrayList<>(differences);
        warnings.forEach(w -> all.add("! " + w));
        try {
            migrator.apply(up);
        } catch (ConvoyException e) {
            return new RollbackResult(r.id(), all, Optional.of(AGAIN + ": " + e.getMessage()
                    + "; the revisions after it were not verified"));
        }
        return new RollbackResult(r.id(), all, Optional.empty());
    }

    private Catalog read(String db) {
        try (Connection c = shadow.connect(db)) {
            return CatalogReader.read(c, catalogOptions);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + db + ": " + e.getMessage(), e);
        }
    }
}
