package io.convoy.planner.plan;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.graph.RevisionGraph;
import io.convoy.planner.fleet.Fleet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a request as a whole, before any target is planned: who asks, which targets (against the fleet) and, when
 * the revision spec does not depend on a target's heads, whether it resolves in the revision graph (unknown or
 * ambiguous revision: MIG011; {@code head} with several heads: MIG001). A request that fails here is rejected
 * entirely and never reaches the per-target side.
 */
public final class RequestValidator {
    private final Fleet fleet;
    private final RevisionGraph graph;

    public RequestValidator(Fleet fleet, RevisionGraph graph) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.graph = Objects.requireNonNull(graph, "graph");
    }

    public Intake validate(PlanRequest request) {
        if (request.requestedBy().isBlank()) {
            return new Intake.Invalid(ErrorCode.MIG020, "requested_by is empty: a request must say who asks");
        }
        String spec = request.targetRevision().strip();
        if (spec.isEmpty()) {
            return new Intake.Invalid(ErrorCode.MIG020, "target_revision is empty: name the revision to reach"
                    + " (head, a revision id, <label>@head, -1, ...)");
        }
        if (request.targetIds().isEmpty() && request.selector().isEmpty()) {
            return new Intake.Invalid(ErrorCode.MIG020, "the request names no target: give target_ids and/or a label selector");
        }
        Fleet.Selection selection = fleet.select(request.targetIds(), request.selector());
        if (!selection.unknownIds().isEmpty()) {
            return new Intake.Invalid(ErrorCode.MIG020, (selection.unknownIds().size() == 1 ? "unknown target " : "unknown targets ")
                    + String.join(", ", selection.unknownIds()) + ": not in the fleet file " + fleet.source());
        }
        if (!request.selector().isEmpty() && selection.selectorMatches() == 0) {
            return new Intake.Invalid(ErrorCode.MIG020, "the selector " + new TreeMap<>(request.selector())
                    + " matches no target of the fleet file " + fleet.source());
        }
        if (!RevisionSpecs.dependsOnCurrentHeads(spec)) {
            try {
                graph.resolve(spec, Set.of());
            } catch (ConvoyException e) {
                return new Intake.Invalid(e.code(), "target revision '" + spec + "': " + e.getMessage());
            }
        }
        return new Intake.Valid(request, selection.targets());
    }
}
