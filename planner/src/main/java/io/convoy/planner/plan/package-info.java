/**
 * Pure planning, no Kafka: request-level validation ({@link io.convoy.planner.plan.RequestValidator}), per-target
 * planning ({@link io.convoy.planner.plan.TargetPlanner}) and command building
 * ({@link io.convoy.planner.plan.CommandFactory}), over domain records.
 */
package io.convoy.planner.plan;
