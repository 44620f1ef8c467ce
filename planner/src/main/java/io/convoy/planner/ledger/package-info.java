/**
 * The planner's two state machines, pure and unit-testable: {@link io.convoy.planner.ledger.RequestLedger} (one
 * request: dedupe, validation, fan-out to targets, collecting the targets' outcomes into request-level events) and
 * {@link io.convoy.planner.ledger.TargetLedger} (one target: its reported and projected heads, plans in flight,
 * orders waiting for its first state). The Kafka Streams processors in {@code io.convoy.planner.stream} only load
 * and store their tracks and forward what they return.
 */
package io.convoy.planner.ledger;
