/**
 * The lint seam of the planner: {@link io.convoy.planner.lint.PlanLinter}, and its real implementation
 * {@link io.convoy.planner.lint.ShadowPlanLinter} (core's shadow lint, rules CV001..., for the upgrade direction, and
 * the rollback stairway for environments that require it, rule VR001), cached per revision checksum. An error-level
 * finding blocks a target unless the request approves its rule id; approved ones are named in the ACCEPTED plan
 * event. Every finding (info, warning, error), as a {@link io.convoy.planner.lint.ReviewedFinding} marked approved or
 * not, travels with each command that applies its revision ({@code MigrationCommand.lint_findings}).
 */
package io.convoy.planner.lint;
