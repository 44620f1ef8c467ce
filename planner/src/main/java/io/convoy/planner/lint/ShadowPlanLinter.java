package io.convoy.planner.lint;

import io.convoy.core.apply.ApplyOptions;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.core.lint.Finding;
import io.convoy.core.lint.LintReport;
import io.convoy.core.lint.Severity;
import io.convoy.core.lint.ShadowLinter;
import io.convoy.core.rollback.RollbackResult;
import io.convoy.core.rollback.RollbackVerifier;
import io.convoy.core.script.Revision;
import io.convoy.core.shadow.ShadowDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner's real linter: the shadow lint of {@link ShadowLinter} for the revisions a plan upgrades (every
 * finding, info, warning and error; only errors block; rule ids CV001...), and, for targets whose {@code env} label is in
 * {@code verifyRollbackEnvs}, the rollback stairway of {@link RollbackVerifier} for every revision of the plan (rule
 * id {@value #ROLLBACK_RULE}, code MIG008). Results are cached per revision checksum, so a revision is linted (and
 * verified) once per planner life however many requests name it. The shadow server is started on first need and
 * kept until {@link #close()}; calls are serialised (one shadow run at a time).
 *
 * <p>Only the upgrade direction is linted (that is what {@link ShadowLinter} measures): a downgrade plan gets no
 * shadow-lint finding, only VR001 where its target's environment requires verified rollbacks.
 */
public final class ShadowPlanLinter implements PlanLinter, AutoCloseable {
    /** Rule id of a failed rollback verification; approve it like a lint rule. */
    public static final String ROLLBACK_RULE = "VR001";
    /** The safe rewrite of a VR001 finding. */
    static final String ROLLBACK_FIX = "make the revision's -- convoy:downgrade section undo its upgrade exactly"
            + " (check it with convoy verify-rollback)";

    private static final Logger LOG = LoggerFactory.getLogger(ShadowPlanLinter.class);

    private final RevisionGraph graph;
    private final Supplier<ShadowDatabase> shadowFactory;
    private final ApplyOptions options;
    private final Clock clock;
    private final int rows;
    private final Function<String, Optional<String>> envOf;
    private final Set<String> verifyRollbackEnvs;
    private final boolean lint;
    private final Map<String, List<Finding>> lintCache = new HashMap<>();
    private final Map<String, Optional<String>> rollbackCache = new HashMap<>();
    private ShadowDatabase shadow;
    private int shadowRuns;

    /**
     * @param lint               run the shadow lint (false: only rollback verification, where required)
     * @param envOf              a target's {@code env} label, if it has one
     * @param verifyRollbackEnvs environments whose plans need every revision's rollback verified
     */
    public ShadowPlanLinter(RevisionGraph graph, Supplier<ShadowDatabase> shadowFactory, ApplyOptions options, Clock clock,
            int rows, boolean lint, Function<String, Optional<String>> envOf, Set<String> verifyRollbackEnvs) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.shadowFactory = Objects.requireNonNull(shadowFactory, "shadowFactory");
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rows = rows;
        this.lint = lint;
        this.envOf = Objects.requireNonNull(envOf, "envOf");
        this.verifyRollbackEnvs = Set.copyOf(verifyRollbackEnvs);
    }

    @Override
    public synchronized List<LintFinding> lint(String targetId, Plan plan) {
        List<LintFinding> out = new ArrayList<>();
        if (plan.isEmpty()) {
            return out;
        }
        if (lint && plan.direction() == Direction.UPGRADE) {
            for (Finding f : lintFindings(plan)) {
                out.add(finding(f));
            }
        }
        Optional<String> env = envOf.apply(targetId);
        if (env.isPresent() && verifyRollbackEnvs.contains(env.get())) {
            for (Map.Entry<String, Optional<String>> e : rollbackProblems(plan).entrySet()) {
                e.getValue().ifPresent(problem -> out.add(new LintFinding(ROLLBACK_RULE, e.getKey(), Severity.ERROR,
                        ErrorCode.MIG008, "environment " + env.get() + " requires verified rollbacks: " + problem,
                        OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.of(ROLLBACK_FIX))));
            }
        }
        return out;
    }

    /** How many shadow runs (lint or stairway) this linter has made; the cache keeps it at one per new revision set. */
    public synchronized int shadowRuns() {
        return shadowRuns;
    }

    /** Core's finding as the planner's: statement numbers become zero-based (as in the command), 0 (none) empty. */
    static LintFinding finding(Finding f) {
        String message = f.rule().title() + (f.statement() > 0 ? " in statement " + f.statement() : "")
                + f.relation().map(r -> " on " + r).orElse("") + f.lockMode().map(m -> " (" + m + ")").orElse("")
                + ": " + f.why();
        return new LintFinding(f.ruleId(), f.revision(), f.severity(), ErrorCode.MIG007, message,
                f.statement() > 0 ? OptionalInt.of(f.statement() - 1) : OptionalInt.empty(), f.relation(), f.lockMode(),
                f.fix().isBlank() ? Optional.empty() : Optional.of(f.fix()));
    }

    private List<Finding> lintFindings(Plan plan) {
        Map<String, Revision> missing = new LinkedHashMap<>();
        for (MigrationStep s : plan.steps()) {
            if (!lintCache.containsKey(s.revision().checksum())) {
                missing.put(s.revision().id(), s.revision());
            }
        }
        if (!missing.isEmpty()) {
            shadowRuns++;
            LintReport report = new ShadowLinter(shadow(), options, clock, rows)
                    .lint(graph, target(plan), r -> missing.containsKey(r.id()));
            LOG.info("linted {} on the shadow database: {} finding(s)", report.linted(), report.findings().size());
            for (String id : report.linted()) {
                lintCache.put(missing.get(id).checksum(), report.of(id));
            }
            // a revision the run stopped before (a statement failed earlier) is not cached: it blocks through that failure
            missing.keySet().stream().filter(id -> !report.linted().contains(id))
                    .forEach(id -> LOG.info("{} not linted: the shadow run stopped before it", id));
            List<Finding> out = new ArrayList<>();
            plan.steps().forEach(s -> out.addAll(lintCache.getOrDefault(s.revision().checksum(), List.of())));
            return out;
        }
        List<Finding> out = new ArrayList<>();
        plan.steps().forEach(s -> out.addAll(lintCache.get(s.revision().checksum())));
        return out;
    }

    private Map<String, Optional<String>> rollbackProblems(Plan plan) {
        Map<String, Revision> missing = new LinkedHashMap<>();
        for (MigrationStep s : plan.steps()) {
            if (!rollbackCache.containsKey(s.revision().checksum())) {
                missing.put(s.revision().id(), s.revision());
            }
        }
        if (!missing.isEmpty()) {
            shadowRuns++;
            String target = plan.direction() == Direction.UPGRADE ? target(plan) : single(plan.fromHeads());
            List<RollbackResult> results = new RollbackVerifier(shadow(), options, clock)
                    .verify(graph, target, r -> missing.containsKey(r.id()));
            for (RollbackResult r : results) {
                rollbackCache.put(missing.get(r.revision()).checksum(), r.ok() ? Optional.empty() : Optional.of(describe(r)));
            }
            for (String id : missing.keySet()) {
                rollbackCache.putIfAbsent(missing.get(id).checksum(),
                        Optional.of("not verified: the stairway stopped at an earlier revision"));
            }
        }
        Map<String, Optional<String>> out = new LinkedHashMap<>();
        plan.steps().forEach(s -> out.put(s.revision().id(), rollbackCache.get(s.revision().checksum())));
        return out;
    }

    private static String describe(RollbackResult r) {
        List<String> parts = new ArrayList<>();
        r.failure().ifPresent(parts::add);
        if (!r.differences().isEmpty()) {
            parts.add("after its downgrade the schema differs: " + String.join("; ", r.differences()));
        }
        return "the downgrade of " + r.revision() + " does not restore the schema (" + String.join("; ", parts) + ")";
    }

    private static String target(Plan plan) {
        return single(plan.toHeads());
    }

    private static String single(Set<String> heads) {
        return heads.size() == 1 ? heads.iterator().next() : "heads";
    }

    private ShadowDatabase shadow() {
        if (shadow == null) {
            shadow = shadowFactory.get();
        }
        return shadow;
    }

    @Override
    public synchronized void close() {
        if (shadow != null) {
            shadow.close();
            shadow = null;
        }
    }
}
