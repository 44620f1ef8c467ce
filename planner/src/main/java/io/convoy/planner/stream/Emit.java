package io.convoy.planner.stream;

import io.convoy.planner.ledger.TargetOutcome;
import io.convoy.planner.plan.PlanOrder;
import io.convoy.schemas.avro.DeadLetter;
import io.convoy.schemas.avro.MigrationCommand;
import io.convoy.schemas.avro.PlanEvent;

/** What a planner processor forwards; the topology routes each kind to its topic. */
sealed interface Emit {
    /** To convoy.plan-events, keyed by request id. */
    record Event(PlanEvent value) implements Emit {}

    /** To convoy.commands, keyed by target id. */
    record Command(MigrationCommand value) implements Emit {}

    /** To convoy.dlq, keyed by the failed record's coordinates. */
    record Dead(DeadLetter value) implements Emit {}

    /** To the per-target side, keyed by target id. */
    record Order(PlanOrder value) implements Emit {}

    /** Back to the request side, keyed by request id. */
    record Outcome(TargetOutcome value) implements Emit {}
}
