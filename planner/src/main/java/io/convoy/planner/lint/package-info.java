/**
 * The lint seam of the planner: {@link io.convoy.planner.lint.PlanLinter}, and its real implementation
 * {@link io.convoy.planner.lint.ShadowPlanLinter} (core's shadow lint, rules CV001..., and the rollback stairway
 * for environments that require it, rule VR001), cached per revision checksum. A finding blocks a target unless
 * the request approves its rule id; approved findings are named in the ACCEPTED plan event.
 */
package io.convoy.planner.lint;
