/**
 * The planner service: validates migration requests, plans them per target with the revision graph and emits one
 * command per step per target, keyed by target id. Entry points: {@link io.convoy.planner.PlannerService} and
 * {@link io.convoy.planner.Main}; the data flow is described on {@link io.convoy.planner.stream.PlannerTopology}.
 */
package io.convoy.planner;
